package dev.resilience.retry;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.LongSummaryStatistics;

import dev.resilience.ContextPropagator;
import dev.resilience.retry.RetryConfig.Backoff;
import dev.resilience.retry.RetryConfig.BudgetConfig;
import dev.resilience.retry.RetryConfig.Jitter;
import dev.resilience.testing.ExecutionMode;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.testing.InEveryExecutionMode;
import dev.resilience.testing.Script;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jitter formulas of "Exponential Backoff and Jitter", checked over many samples of
 * the delays the retry asks its scheduler for. Range checks hold for every sample; the
 * spread checks (that a random wait actually varies) fail only with a probability far
 * below 10^-100.
 */
class RetryJitterTests {

	private static final long SECOND = 1_000_000_000L;

	private static final int SAMPLES = 2_000;

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private List<Long> delaysOfOneCall(ExecutionMode mode, RetryConfig.Builder builder, int retries) {
		RetryConfig config = builder.maxAttempts(retries + 1).budget(BudgetConfig.disabled()).build();
		Retry retry = Retry.of("inventory", config, this.ticker, this.scheduler, ContextPropagator.NONE);
		int before = this.scheduler.requestedDelays().size();
		mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException()));
		List<Long> delays = this.scheduler.requestedDelays();
		return delays.subList(before, delays.size());
	}

	private static RetryConfig.Builder fixedOneSecond(Jitter jitter) {
		return RetryConfig.custom().waitDuration(Duration.ofSeconds(1)).backoff(Backoff.FIXED).jitter(jitter);
	}

	@InEveryExecutionMode
	void fullJitterIsUniformBetweenZeroAndTheBackoff(ExecutionMode mode) {
		List<Long> delays = delaysOfOneCall(mode, fixedOneSecond(Jitter.FULL), SAMPLES);
		LongSummaryStatistics stats = delays.stream().mapToLong(Long::longValue).summaryStatistics();
		assertThat(stats.getMin()).isGreaterThanOrEqualTo(0).isLessThan(SECOND / 4);
		assertThat(stats.getMax()).isLessThanOrEqualTo(SECOND).isGreaterThan(3 * SECOND / 4);
		assertThat(new HashSet<>(delays)).hasSizeGreaterThan(SAMPLES / 2);
	}

	@InEveryExecutionMode
	void fullJitterStaysUnderTheGrowingExponentialBackoff(ExecutionMode mode) {
		List<Long> delays = delaysOfOneCall(mode,
				RetryConfig.custom()
					.waitDuration(Duration.ofMillis(100))
					.backoff(Backoff.EXPONENTIAL)
					.multiplier(2.0)
					.maxWaitDuration(Duration.ofSeconds(1))
					.jitter(Jitter.FULL),
				6);
		long[] bounds = { 100, 200, 400, 800, 1000, 1000 };
		for (int i = 0; i < bounds.length; i++) {
			assertThat(delays.get(i)).as("retry %d", i + 1).isBetween(0L, bounds[i] * 1_000_000L);
		}
	}

	@InEveryExecutionMode
	void equalJitterKeepsHalfTheBackoffAndRandomisesTheOtherHalf(ExecutionMode mode) {
		List<Long> delays = delaysOfOneCall(mode, fixedOneSecond(Jitter.EQUAL), SAMPLES);
		LongSummaryStatistics stats = delays.stream().mapToLong(Long::longValue).summaryStatistics();
		assertThat(stats.getMin()).isGreaterThanOrEqualTo(SECOND / 2).isLessThan(SECOND / 2 + SECOND / 8);
		assertThat(stats.getMax()).isLessThanOrEqualTo(SECOND).isGreaterThan(SECOND - SECOND / 8);
		assertThat(new HashSet<>(delays)).hasSizeGreaterThan(SAMPLES / 2);
	}

	@InEveryExecutionMode
	void noJitterWaitsExactlyTheBackoff(ExecutionMode mode) {
		List<Long> delays = delaysOfOneCall(mode, fixedOneSecond(Jitter.NONE), 50);
		assertThat(delays).hasSize(50).containsOnly(SECOND);
	}

	@InEveryExecutionMode
	void decorrelatedJitterDrawsBetweenTheBaseAndThreeTimesThePreviousWaitUpToTheCap(ExecutionMode mode) {
		long base = 100_000_000L;
		long cap = 50 * base;
		List<Long> delays = delaysOfOneCall(mode,
				RetryConfig.custom()
					.waitDuration(Duration.ofNanos(base))
					.maxWaitDuration(Duration.ofNanos(cap))
					.jitter(Jitter.DECORRELATED),
				SAMPLES);
		long previous = base;
		for (int i = 0; i < delays.size(); i++) {
			long delay = delays.get(i);
			assertThat(delay).as("retry %d after %d", i + 1, previous).isBetween(base, Math.min(cap, 3 * previous));
			previous = delay;
		}
		assertThat(delays.stream().mapToLong(Long::longValue).max().getAsLong()).isGreaterThan(3 * base);
		assertThat(new HashSet<>(delays)).hasSizeGreaterThan(SAMPLES / 4);
	}

	@InEveryExecutionMode
	void decorrelatedJitterStartsEveryCallFromTheBase(ExecutionMode mode) {
		long base = 100_000_000L;
		RetryConfig.Builder builder = RetryConfig.custom()
			.waitDuration(Duration.ofNanos(base))
			.maxWaitDuration(Duration.ofSeconds(60))
			.jitter(Jitter.DECORRELATED);
		boolean grewWithinACall = false;
		for (int call = 0; call < 50; call++) {
			List<Long> delays = delaysOfOneCall(mode, builder, 20);
			assertThat(delays.get(0)).as("first wait of call %d", call).isBetween(base, 3 * base);
			grewWithinACall |= delays.stream().anyMatch((delay) -> delay > 3 * base);
		}
		assertThat(grewWithinACall).isTrue();
	}

}
