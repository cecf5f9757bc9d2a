package dev.resilience.retry.internal;

import java.util.concurrent.ThreadLocalRandom;

import dev.resilience.internal.Durations;
import dev.resilience.retry.RetryConfig;
import dev.resilience.retry.RetryConfig.Backoff;
import dev.resilience.retry.RetryConfig.Jitter;

/**
 * Computes the wait before each retry from a {@link RetryConfig}, after the formulas of
 * AWS's "Exponential Backoff and Jitter". Immutable and thread-safe: the only state that
 * spans retries (the previous wait, for decorrelated jitter) is passed in and returned by
 * the caller, so it lives in the call's own locals rather than in shared fields.
 * Randomness comes from {@link ThreadLocalRandom}, which needs no per-call object and no
 * shared lock.
 */
final class BackoffCalculator {

	/**
	 * Upper bound of any delay, far beyond any sensible wait (about 73 years), so that
	 * {@code previous * 3} and {@code bound + 1} below cannot overflow.
	 */
	static final long MAX_DELAY_NANOS = Long.MAX_VALUE / 4;

	private final Backoff backoff;

	private final Jitter jitter;

	private final long baseNanos;

	private final long capNanos;

	private final double multiplier;

	BackoffCalculator(RetryConfig config) {
		this.backoff = config.getBackoff();
		this.jitter = config.getJitter();
		this.capNanos = Durations.toNanosAtMost(config.getMaxWaitDuration(), MAX_DELAY_NANOS);
		this.baseNanos = Math.min(Durations.toNanosAtMost(config.getWaitDuration(), MAX_DELAY_NANOS), this.capNanos);
		this.multiplier = config.getMultiplier();
	}

	/** The longest wait before any retry, {@code max-wait-duration}. */
	long capNanos() {
		return this.capNanos;
	}

	/** The "previous wait" a call starts with, for decorrelated jitter. */
	long initialPreviousDelay() {
		return this.baseNanos;
	}

	/**
	 * The wait before retry {@code retry} (1 for the first retry), in nanoseconds.
	 * @param previousDelay the wait before the previous retry, or
	 * {@link #initialPreviousDelay()}
	 */
	long delayNanos(int retry, long previousDelay) {
		switch (this.jitter) {
			case NONE:
				return beforeJitter(retry);
			case FULL:
				return uniform(0, beforeJitter(retry));
			case EQUAL:
				long bound = beforeJitter(retry);
				long half = bound / 2;
				return half + uniform(0, bound - half);
			case DECORRELATED:
				long upper = Math.max(this.baseNanos, Math.min(previousDelay, MAX_DELAY_NANOS) * 3);
				return Math.min(this.capNanos, uniform(this.baseNanos, upper));
			default:
				throw new IllegalStateException("Unknown jitter " + this.jitter);
		}
	}

	/** The backoff {@code b} of the formulas, capped at the max wait. */
	private long beforeJitter(int retry) {
		if (this.backoff == Backoff.FIXED || retry <= 1) {
			return this.baseNanos;
		}
		// In double arithmetic a huge power turns into infinity, which the cap absorbs.
		double grown = this.baseNanos * Math.pow(this.multiplier, retry - 1);
		return (grown >= this.capNanos) ? this.capNanos : (long) grown;
	}

	/** Uniform in {@code [low, high]}, both included. */
	private static long uniform(long low, long high) {
		return (high <= low) ? low : low + ThreadLocalRandom.current().nextLong(high - low + 1);
	}

}
