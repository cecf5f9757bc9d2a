package dev.resilience.circuitbreaker.internal;

import java.util.concurrent.atomic.AtomicInteger;

import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.internal.Durations;
import dev.resilience.internal.LatencyQuantile;

/**
 * The learned side of a breaker's slow-call rule ({@code adaptive-slow-call.*}): a call
 * is anomalous when it takes longer than the larger of the minimum threshold and
 * {@code factor} times the quantile learned from normal latencies. Made only when the
 * setting is on, so a breaker without it carries no estimator.
 * <p>
 * What it learns is chosen by the breaker: latencies of calls that returned normally,
 * were slow by neither rule, and were admitted and recorded by a closed state that is
 * still current. The calls of an outage (slow ones, failures, calls ending after the
 * breaker opened, trial calls) are never learned, so the threshold does not rise with the
 * outage it is meant to detect; a baseline not refreshed for two learning windows is
 * forgotten, after which only the fixed threshold applies until enough normal latencies
 * are learned again, so a lasting change of latency is accepted after a while.
 * <p>
 * The quantile is not read before {@code minimumSamples} latencies were learned: the
 * estimator caches its answer for an eighth of a window, and a read before the baseline
 * exists would pin "unknown" for that long. Thread-safe; learning costs one atomic
 * increment (and a counter increment during warm-up), reading a cached value.
 */
final class AdaptiveSlowCallThreshold {

	/** What {@link #thresholdNanos()} answers until a baseline is learned. */
	static final long UNKNOWN = LatencyQuantile.UNKNOWN;

	private final LatencyQuantile quantile;

	private final double factor;

	private final long minThresholdNanos;

	private final int minimumSamples;

	private final AtomicInteger warmUpSamples = new AtomicInteger();

	private volatile boolean warm;

	AdaptiveSlowCallThreshold(CircuitBreakerConfig config, Ticker ticker) {
		this.minimumSamples = config.getMinimumNumberOfCalls();
		this.quantile = new LatencyQuantile(config.getAdaptiveSlowCallQuantile(),
				CircuitBreakerConfig.ADAPTIVE_SLOW_CALL_LEARNING_WINDOW, this.minimumSamples, ticker);
		this.factor = config.getAdaptiveSlowCallFactor();
		this.minThresholdNanos = Durations.toNanosSaturated(config.getAdaptiveSlowCallMinThreshold());
	}

	/**
	 * The learned threshold in nanoseconds: the larger of the minimum threshold and
	 * {@code factor} times the learned quantile; {@link #UNKNOWN} until enough latencies
	 * were learned in the last two windows.
	 */
	long thresholdNanos() {
		if (!this.warm) {
			return UNKNOWN;
		}
		long learned = this.quantile.quantileNanos();
		if (learned == LatencyQuantile.UNKNOWN) {
			return UNKNOWN;
		}
		double scaled = this.factor * learned;
		long threshold = (scaled >= Long.MAX_VALUE) ? Long.MAX_VALUE : (long) scaled;
		return Math.max(this.minThresholdNanos, threshold);
	}

	/** Whether a call of this duration is anomalous by the learned threshold. */
	boolean isSlow(long durationNanos) {
		long threshold = thresholdNanos();
		return threshold != UNKNOWN && durationNanos > threshold;
	}

	/** Learns the latency of one normal call. */
	void learn(long durationNanos) {
		this.quantile.record(durationNanos);
		if (!this.warm && this.warmUpSamples.incrementAndGet() >= this.minimumSamples) {
			this.warm = true;
		}
	}

	/** Latencies held by the estimator's two generations; for tests. */
	long learnedSamples() {
		return this.quantile.sampleCount();
	}

	@Override
	public String toString() {
		return "AdaptiveSlowCallThreshold[factor=" + this.factor + ", min=" + this.minThresholdNanos + "ns, "
				+ this.quantile + "]";
	}

}
