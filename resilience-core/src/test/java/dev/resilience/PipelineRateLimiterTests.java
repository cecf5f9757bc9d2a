package dev.resilience;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.resilience.PipelineTests.Mode;
import dev.resilience.PipelineTests.Outcome;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.ratelimiter.RequestNotPermittedException;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryConfig;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate limiter inside a {@link Pipeline}: it sits inside the retry, so every attempt
 * takes a permit of its own, and a refusal is a failure the retry sees like any other.
 */
class PipelineRateLimiterTests {

	private static final Duration PERIOD = Duration.ofSeconds(1);

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final long origin = this.ticker.read();

	private Retry retry(int maxAttempts) {
		return Retry.of("downstream",
				RetryConfig.custom()
					.maxAttempts(maxAttempts)
					.waitDuration(Duration.ofMillis(100))
					.jitter(RetryConfig.Jitter.NONE)
					.budget(RetryConfig.BudgetConfig.disabled())
					.build(),
				this.ticker, this.scheduler, ContextPropagator.NONE);
	}

	private RateLimiter limiter(int limit, Duration timeout) {
		return RateLimiter.of("downstream",
				RateLimiterConfig.custom()
					.limitForPeriod(limit)
					.limitRefreshPeriod(PERIOD)
					.timeoutDuration(timeout)
					.build(),
				this.ticker, this.scheduler);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void everyAttemptTakesAPermitAndTheRefusalEndsTheRetries(Mode mode) {
		RateLimiter limiter = limiter(2, Duration.ZERO);
		Pipeline pipeline = Pipeline.builder().retry(retry(3)).rateLimiter(limiter).build();
		AtomicInteger calls = new AtomicInteger();

		Outcome outcome = mode.run(pipeline, this.scheduler, () -> {
			throw new IllegalStateException("attempt " + calls.incrementAndGet());
		});

		assertThat(calls).hasValue(2);
		assertThat(outcome.failure()).isInstanceOf(RequestNotPermittedException.class);
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(2);
		assertThat(limiter.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void anAttemptWaitsForTheNextCycleWithinTheTimeout(Mode mode) {
		RateLimiter limiter = limiter(2, PERIOD);
		Pipeline pipeline = Pipeline.builder().retry(retry(3)).rateLimiter(limiter).build();
		List<Long> attemptsAt = new ArrayList<>();

		Outcome outcome = mode.run(pipeline, this.scheduler, () -> {
			attemptsAt.add(Duration.ofNanos(this.ticker.read() - this.origin).toMillis());
			if (attemptsAt.size() < 3) {
				throw new IllegalStateException("attempt " + attemptsAt.size());
			}
			return "third";
		});

		assertThat(outcome.value()).isEqualTo("third");
		assertThat(attemptsAt).as("third attempt waited for the second cycle").containsExactly(0L, 100L, 1000L);
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(3);
	}

	@Test
	void successPathThroughRetryAndRateLimiterAllocatesNothing() throws Throwable {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		Pipeline pipeline = Pipeline.builder()
			.retry(Retry.of("hot", RetryConfig.ofDefaults(), this.ticker, this.scheduler, ContextPropagator.NONE))
			.rateLimiter(limiter(Integer.MAX_VALUE, Duration.ZERO))
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

		assertThat((double) allocated / calls).as("bytes allocated per call (retry budget on)").isLessThan(1.0);
	}

}
