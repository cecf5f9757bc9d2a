package dev.resilience;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.resilience.PipelineTests.Mode;
import dev.resilience.PipelineTests.Outcome;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.bulkhead.BulkheadFullException;
import dev.resilience.chaos.Chaos;
import dev.resilience.chaos.ChaosConfig;
import dev.resilience.chaos.InjectedFaultException;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.fallback.FallbackConfig;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryConfig;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.testing.ScriptedRandom;
import dev.resilience.timeout.Timeout;
import dev.resilience.timeout.TimeoutConfig;
import dev.resilience.timeout.TimeoutExceededException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos is the innermost stage: every other policy reacts to an injected fault as to the
 * protected code's own, on fake time and with scripted rolls.
 */
class PipelineChaosTests {

	private static final Duration LATENCY = Duration.ofSeconds(1);

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final ScriptedRandom random = new ScriptedRandom();

	private final AtomicInteger calls = new AtomicInteger();

	private Chaos chaos(ChaosConfig config) {
		return Chaos.of("inventory", config, this.scheduler, ContextPropagator.NONE, this.random);
	}

	private Retry retry(int maxAttempts) {
		return Retry.of("inventory",
				RetryConfig.custom()
					.maxAttempts(maxAttempts)
					.waitDuration(Duration.ofMillis(100))
					.backoff(RetryConfig.Backoff.FIXED)
					.jitter(RetryConfig.Jitter.NONE)
					.budget(RetryConfig.BudgetConfig.disabled())
					.build(),
				this.ticker, this.scheduler, ContextPropagator.NONE);
	}

	private CircuitBreaker breaker(int window) {
		return CircuitBreaker.of("inventory",
				CircuitBreakerConfig.custom().slidingWindowSize(window).minimumNumberOfCalls(window).build(),
				this.ticker);
	}

	private Object body() {
		this.calls.incrementAndGet();
		return "stock";
	}

	@Test
	void chaosIsTheInnermostStageWhateverTheBuilderOrder() {
		Pipeline pipeline = Pipeline.builder()
			.chaos(chaos(ChaosConfig.none()))
			.bulkhead(Bulkhead.of("inventory", BulkheadConfig.ofDefaults()))
			.retry(retry(2))
			.build();
		assertThat(pipeline.getStages()).containsExactly("retry 'inventory'", "bulkhead 'inventory'",
				"chaos 'inventory'");
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void eachRetryAttemptRollsAgain(Mode mode) {
		Chaos chaos = chaos(ChaosConfig.custom().errorRate(0.5).build());
		Pipeline pipeline = Pipeline.builder().retry(retry(3)).chaos(chaos).build();
		// first attempt: injected error; second: the method runs
		this.random.then(0.1, 0.9);

		Outcome outcome = mode.run(pipeline, this.scheduler, this::body);

		assertThat(outcome.value()).isEqualTo("stock");
		assertThat(this.random.drawn()).as("one roll per attempt").isEqualTo(2);
		assertThat(this.calls).hasValue(1);
		assertThat(chaos.getMetrics().getNumberOfInjectedErrors()).isOne();
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void breakerRecordsInjectedErrorsAndOpens(Mode mode) {
		Chaos chaos = chaos(ChaosConfig.custom().errorRate(1).build());
		CircuitBreaker breaker = breaker(2);
		Pipeline pipeline = Pipeline.builder().circuitBreaker(breaker).chaos(chaos).build();
		this.random.then(0.5, 0.5);

		Throwable first = mode.run(pipeline, this.scheduler, this::body).failure();
		Throwable second = mode.run(pipeline, this.scheduler, this::body).failure();
		Throwable third = mode.run(pipeline, this.scheduler, this::body).failure();

		assertThat(first).isInstanceOf(InjectedFaultException.class);
		assertThat(second).isInstanceOf(InjectedFaultException.class);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(third).as("an open breaker never reaches chaos").isInstanceOf(CallNotPermittedException.class);
		assertThat(this.random.drawn()).isEqualTo(2);
		assertThat(this.calls).hasValue(0);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void fallbackAnswersAnInjectedError(Mode mode) {
		Pipeline pipeline = Pipeline.builder().fallback((invocation, failure) -> {
			String answer = "fallback for " + failure.getClass().getSimpleName();
			return (mode == Mode.ASYNC) ? CompletableFuture.completedFuture(answer) : answer;
		}, FallbackConfig.ofDefaults()).chaos(chaos(ChaosConfig.custom().errorRate(1).build())).build();
		this.random.then(0.0);

		Outcome outcome = mode.run(pipeline, this.scheduler, this::body);

		assertThat(outcome.value()).isEqualTo("fallback for InjectedFaultException");
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void injectedLatencyIsTimedByTheTimeoutAround(Mode mode) {
		Timeout timeout = Timeout.of("inventory", TimeoutConfig.custom().duration(Duration.ofMillis(500)).build(),
				this.ticker, this.scheduler);
		Pipeline pipeline = Pipeline.builder()
			.timeout(timeout)
			.chaos(chaos(ChaosConfig.custom().latency(LATENCY).latencyRate(1).build()))
			.build();
		this.random.then(0.0);

		Outcome outcome = mode.run(pipeline, this.scheduler, this::body);

		assertThat(outcome.failure()).isInstanceOf(TimeoutExceededException.class);
		assertThat(timeout.getMetrics().getNumberOfTimedOutCalls()).isOne();
	}

	@Test
	void bulkheadPermitIsHeldDuringInjectedLatency() {
		Bulkhead bulkhead = Bulkhead.of("inventory", BulkheadConfig.custom().maxConcurrentCalls(1).build());
		Pipeline pipeline = Pipeline.builder()
			.bulkhead(bulkhead)
			.chaos(chaos(ChaosConfig.custom().latency(LATENCY).latencyRate(1).build()))
			.build();
		this.random.then(0.0);

		CompletableFuture<Object> first = pipeline
			.executeAsync(PipelineTests.invocation(() -> CompletableFuture.completedFuture(body())))
			.toCompletableFuture();
		assertThat(first).isNotDone();
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
		CompletableFuture<Object> second = pipeline
			.executeAsync(PipelineTests.invocation(() -> CompletableFuture.completedFuture(body())))
			.toCompletableFuture();
		assertThat(second).isCompletedExceptionally();
		assertThat(second.handle((value, failure) -> failure.getCause() != null ? failure.getCause() : failure).join())
			.isInstanceOf(BulkheadFullException.class);

		this.scheduler.advance(LATENCY);

		assertThat(first).isCompletedWithValue("stock");
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isOne();
		assertThat(this.calls).hasValue(1);
	}

	@Test
	void severalChaosInstancesEachRoll() throws Throwable {
		Chaos breakerName = chaos(ChaosConfig.none());
		Chaos retryName = Chaos.of("inventory-retry", ChaosConfig.custom().errorRate(1).build(), this.scheduler,
				ContextPropagator.NONE, this.random);
		Pipeline pipeline = Pipeline.builder().chaos(breakerName).chaos(retryName).chaos(breakerName).build();
		this.random.then(0.5);

		assertThat(pipeline.getStages()).containsExactly("chaos 'inventory'", "chaos 'inventory-retry'");
		Outcome outcome = Mode.SYNC.run(pipeline, this.scheduler, this::body);
		assertThat(outcome.failure()).isInstanceOf(InjectedFaultException.class);
		assertThat(((InjectedFaultException) outcome.failure()).getInstanceName()).isEqualTo("inventory-retry");
	}

}
