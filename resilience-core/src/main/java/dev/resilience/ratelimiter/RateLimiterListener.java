package dev.resilience.ratelimiter;

/**
 * Observes the permit decisions of a {@link RateLimiter}. Runs on the thread that asked
 * for the permit (or the scheduler's, for an asynchronous call that waited), so it must
 * be fast and thread-safe. A listener that throws is logged and ignored; a
 * {@link VirtualMachineError} propagates.
 */
public interface RateLimiterListener {

	default void onOutcome(RateLimiter rateLimiter, RateLimiterOutcome outcome) {
	}

}
