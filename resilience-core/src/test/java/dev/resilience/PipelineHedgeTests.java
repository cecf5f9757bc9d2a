package dev.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.hedge.Hedge;
import dev.resilience.hedge.HedgeConfig;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryConfig;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.timeout.Timeout;
import dev.resilience.timeout.TimeoutConfig;
import dev.resilience.timeout.TimeoutExceededException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A hedge inside the retry and outside breaker, timeout and bulkhead, on fake time: each
 * hedged attempt is a fresh run of the inner stages, and a losing attempt is cancelled
 * down to the protected code's own stage, so its bulkhead permit comes back and the
 * breaker records nothing for it.
 */
class PipelineHedgeTests {

	private static final Duration DELAY = Duration.ofMillis(100);

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final List<CompletableFuture<Object>> own = new ArrayList<>();

	private final Invocation invocation = PipelineTests.invocation(() -> {
		CompletableFuture<Object> stage = new CompletableFuture<>();
		this.own.add(stage);
		return stage;
	});

	private Hedge hedge() {
		return Hedge.of("downstream", HedgeConfig.custom().delay(DELAY).budgetRatio(1.0).build(), this.ticker,
				this.scheduler, ContextPropagator.NONE);
	}

	private CircuitBreaker breaker() {
		return CircuitBreaker.of("downstream",
				CircuitBreakerConfig.custom().slidingWindowSize(10).minimumNumberOfCalls(10).build(), this.ticker);
	}

	private static Bulkhead bulkhead(int max) {
		return Bulkhead.of("downstream", BulkheadConfig.custom().maxConcurrentCalls(max).build());
	}

	@Test
	void losingAttemptIsCancelledDownToTheCodesStageFreeingItsPermitAndRecordingNothing() {
		CircuitBreaker breaker = breaker();
		Bulkhead bulkhead = bulkhead(2);
		Pipeline pipeline = Pipeline.builder().hedge(hedge()).circuitBreaker(breaker).bulkhead(bulkhead).build();
		CompletableFuture<Object> result = pipeline.executeAsync(this.invocation).toCompletableFuture();
		this.scheduler.advance(DELAY);
		assertThat(this.own).hasSize(2);
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
		this.own.get(1).complete("hedge");
		assertThat(result).isCompletedWithValue("hedge");
		assertThat(this.own.get(0)).isCancelled();
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
		assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(1);
	}

	@Test
	void eachAttemptTakesItsOwnBulkheadPermitAndAFullBulkheadFailsOnlyThatAttempt() {
		Bulkhead bulkhead = bulkhead(1);
		Pipeline pipeline = Pipeline.builder().hedge(hedge()).bulkhead(bulkhead).build();
		CompletableFuture<Object> result = pipeline.executeAsync(this.invocation).toCompletableFuture();
		this.scheduler.advance(DELAY);
		assertThat(this.own).as("the hedge was refused by the bulkhead").hasSize(1);
		assertThat(result).isNotDone();
		this.own.get(0).complete("primary");
		assertThat(result).isCompletedWithValue("primary");
		assertThat(bulkhead.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
	}

	@Test
	void eachAttemptHasItsOwnDeadline() {
		Timeout timeout = Timeout.of("downstream", TimeoutConfig.custom().duration(Duration.ofMillis(150)).build(),
				this.ticker, this.scheduler);
		Pipeline pipeline = Pipeline.builder().hedge(hedge()).timeout(timeout).build();
		CompletableFuture<Object> result = pipeline.executeAsync(this.invocation).toCompletableFuture();
		this.scheduler.advance(Duration.ofMillis(150));
		// The primary timed out at 150ms; the hedge sent at 100ms has until 250ms.
		assertThat(this.own.get(0)).isCancelled();
		assertThat(result).isNotDone();
		this.scheduler.advance(Duration.ofMillis(90));
		this.own.get(1).complete("hedge");
		assertThat(result).isCompletedWithValue("hedge");
		assertThat(timeout.getMetrics().getNumberOfTimedOutCalls()).isEqualTo(1);
	}

	@Test
	void everyAttemptTimingOutFailsTheCallWithTheLastTimeout() {
		Timeout timeout = Timeout.of("downstream", TimeoutConfig.custom().duration(Duration.ofMillis(150)).build(),
				this.ticker, this.scheduler);
		Pipeline pipeline = Pipeline.builder().hedge(hedge()).timeout(timeout).build();
		CompletableFuture<Object> result = pipeline.executeAsync(this.invocation).toCompletableFuture();
		this.scheduler.advance(Duration.ofMillis(300));
		Throwable failure = catchThrowable(result::get);
		assertThat(failure).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutExceededException.class);
	}

	@Test
	void retryOutsideRetriesTheHedgedCallAsAWhole() {
		Retry retry = Retry.of("downstream",
				RetryConfig.custom()
					.maxAttempts(2)
					.waitDuration(Duration.ofMillis(10))
					.backoff(RetryConfig.Backoff.FIXED)
					.jitter(RetryConfig.Jitter.NONE)
					.budget(RetryConfig.BudgetConfig.disabled())
					.build(),
				this.ticker, this.scheduler, ContextPropagator.NONE);
		Pipeline pipeline = Pipeline.builder().retry(retry).hedge(hedge()).build();
		CompletableFuture<Object> result = pipeline.executeAsync(this.invocation).toCompletableFuture();
		this.own.get(0).completeExceptionally(new IllegalStateException("first call failed"));
		this.scheduler.advance(Duration.ofMillis(10));
		assertThat(this.own).as("the retry's attempt").hasSize(2);
		this.own.get(1).complete("retried");
		assertThat(result).isCompletedWithValue("retried");
	}

	@Test
	void hedgeSitsBetweenRetryAndBreakerWhateverTheBuilderOrder() {
		Pipeline pipeline = Pipeline.builder()
			.bulkhead(bulkhead(1))
			.circuitBreaker(breaker())
			.hedge(hedge())
			.retry(Retry.of("downstream", RetryConfig.ofDefaults()))
			.build();
		assertThat(pipeline.getStages()).containsExactly("retry 'downstream'", "hedge 'downstream'",
				"circuit breaker 'downstream'", "bulkhead 'downstream'");
	}

	@Test
	void synchronousCallThroughAHedgeIsRefused() {
		Pipeline pipeline = Pipeline.builder().hedge(hedge()).build();
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> pipeline.execute(PipelineTests.invocation(() -> "value")))
			.withMessageContaining("downstream");
	}

	@Test
	void attemptCancelledBeforeItsCodeRanCancelsTheCodesStageOnceItExists() {
		CompletableFuture<Object> codeStage = new CompletableFuture<>();
		Invocation later = PipelineTests.invocation(() -> codeStage);
		Stage stage = new HedgeStage(Hedge.of("downstream", HedgeConfig.ofDefaults()));
		// A next stage that cancels the attempt before proceeding: the code's stage must
		// still end up cancelled.
		stage.callAsync(later, (inv) -> {
			((CompletableFuture<?>) inv).cancel(true);
			return (CompletionStage<Object>) inv.proceed();
		});
		assertThat(codeStage).isCancelled();
	}

}
