package dev.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.resilience.PipelineTests.Mode;
import dev.resilience.PipelineTests.Outcome;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryConfig;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.timeout.Timeout;
import dev.resilience.timeout.TimeoutConfig;
import dev.resilience.timeout.TimeoutExceededException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A timeout inside retry and breaker, on fake time: each attempt has its own deadline,
 * and a timed out attempt is a failure for the breaker like any other.
 */
class PipelineTimeoutTests {

	private static final Duration ONE_SECOND = Duration.ofSeconds(1);

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private Retry retry(int maxAttempts) {
		return Retry.of("downstream",
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
		return CircuitBreaker.of("downstream",
				CircuitBreakerConfig.custom().slidingWindowSize(window).minimumNumberOfCalls(window).build(),
				this.ticker);
	}

	private Timeout timeout() {
		return Timeout.of("downstream", TimeoutConfig.custom().duration(ONE_SECOND).build(), this.ticker,
				this.scheduler);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void eachRetryAttemptHasItsOwnDeadline(Mode mode) {
		CircuitBreaker breaker = breaker(10);
		Timeout timeout = timeout();
		Pipeline pipeline = Pipeline.builder().timeout(timeout).circuitBreaker(breaker).retry(retry(3)).build();
		AtomicInteger attempts = new AtomicInteger();

		Outcome outcome = mode.run(pipeline, this.scheduler, () -> {
			int attempt = attempts.incrementAndGet();
			// Two attempts take the whole second; the third takes 900ms, long after the
			// first attempt's deadline.
			this.ticker.advance((attempt < 3) ? ONE_SECOND : Duration.ofMillis(900));
			return "attempt " + attempt;
		});

		assertThat(outcome.value()).isEqualTo("attempt 3");
		assertThat(timeout.getMetrics().getNumberOfTimedOutCalls()).isEqualTo(2);
		assertThat(timeout.getMetrics().getNumberOfSuccessfulCalls()).isOne();
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).as("timeouts recorded as failures").isEqualTo(2);
		assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isOne();
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void timeoutsOpenTheBreaker(Mode mode) {
		CircuitBreaker breaker = breaker(2);
		Pipeline pipeline = Pipeline.builder().circuitBreaker(breaker).timeout(timeout()).build();
		AtomicInteger calls = new AtomicInteger();

		List<Throwable> failures = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			failures.add(mode.run(pipeline, this.scheduler, () -> {
				calls.incrementAndGet();
				this.ticker.advance(Duration.ofSeconds(2));
				return "late";
			}).failure());
		}

		assertThat(failures.subList(0, 2))
			.allSatisfy((failure) -> assertThat(failure).isInstanceOf(TimeoutExceededException.class));
		assertThat(failures.get(2)).isInstanceOf(CallNotPermittedException.class);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(calls).hasValue(2);
	}

	@Test
	void hungAsyncAttemptsAreEachCancelledAtTheirOwnDeadline() {
		CircuitBreaker breaker = breaker(10);
		Pipeline pipeline = Pipeline.builder().retry(retry(3)).circuitBreaker(breaker).timeout(timeout()).build();
		List<CompletableFuture<Object>> attempts = new ArrayList<>();
		List<Long> startedAt = new ArrayList<>();

		CompletionStage<Object> result = pipeline.executeAsync(PipelineTests.invocation(() -> {
			startedAt.add(this.ticker.read());
			CompletableFuture<Object> hung = new CompletableFuture<>();
			attempts.add(hung);
			return hung;
		}));
		this.scheduler.runAll();

		assertThat(result.toCompletableFuture()).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(TimeoutExceededException.class);
		assertThat(attempts).hasSize(3).allSatisfy((attempt) -> assertThat(attempt).isCancelled());
		// One second per attempt plus the 100ms backoff between them.
		assertThat(startedAt.get(1) - startedAt.get(0)).isEqualTo(Duration.ofMillis(1100).toNanos());
		assertThat(startedAt.get(2) - startedAt.get(1)).isEqualTo(Duration.ofMillis(1100).toNanos());
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
	}

	@Test
	void successPathThroughRetryBreakerTimeoutAndBulkheadAllocatesNothing() throws Throwable {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
			.getThreadMXBean();
		Pipeline pipeline = Pipeline.builder()
			.retry(Retry.of("hot", RetryConfig.ofDefaults(), this.ticker, this.scheduler, ContextPropagator.NONE))
			.circuitBreaker(breaker(10))
			.timeout(Timeout.of("hot", TimeoutConfig.ofDefaults()))
			.bulkhead(Bulkhead.of("hot", BulkheadConfig.ofDefaults()))
			.build();
		Object result = "ok";
		Invocation invocation = PipelineTests.invocation(() -> result);
		int calls = 200_000;
		for (int i = 0; i < calls; i++) {
			pipeline.execute(invocation);
		}
		long threadId = Thread.currentThread().getId();
		long before = threads.getThreadAllocatedBytes(threadId);
		for (int i = 0; i < calls; i++) {
			pipeline.execute(invocation);
		}
		long allocated = threads.getThreadAllocatedBytes(threadId) - before;

		assertThat((double) allocated / calls).as("bytes allocated per call").isLessThan(1.0);
	}

}
