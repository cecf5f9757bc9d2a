package dev.resilience.ratelimiter;

import java.util.concurrent.CompletionStage;

/**
 * Where a {@link RateLimiterConfig.Scope#CLUSTER} rate limiter keeps its permits, shared
 * by every application instance that uses the same store. Each decision is one atomic
 * step in the store, timed by the store's own clock, so instances with skewed clocks
 * agree.
 * <p>
 * A store bounds its own time: it answers, or fails, within
 * {@link PermitRequest#timeoutNanos()}. The limiter treats any failure as the store being
 * unavailable and applies {@link RateLimiterConfig#getOnStoreUnavailable()}. Must be
 * thread-safe.
 */
public interface PermitStore {

	/**
	 * Decides one permit on the calling thread.
	 * @throws Exception when the store does not decide within the request's timeout
	 */
	PermitDecision acquire(PermitRequest request) throws Exception;

	/**
	 * Decides one permit without blocking the calling thread; the stage completes with
	 * the decision, or fails, within the request's timeout.
	 */
	CompletionStage<PermitDecision> acquireAsync(PermitRequest request);

	/**
	 * What a limiter asks of its store; one per limiter, built once.
	 *
	 * @param limiterName the limiter's name, which names its one record in the store
	 * @param limitForPeriod permits per period, at least 1
	 * @param periodNanos length of a period
	 * @param maxWaitNanos longest wait for a permit of a later period; 0 takes only a
	 * permit free now
	 * @param timeoutNanos longest time the store may take to decide
	 */
	record PermitRequest(String limiterName, int limitForPeriod, long periodNanos, long maxWaitNanos,
			long timeoutNanos) {
	}

	/**
	 * A store's answer.
	 *
	 * @param permitted whether the call may go ahead
	 * @param nanos when permitted, how long the call waits for its permit of a later
	 * period (0: at once; at most the request's {@code maxWaitNanos}); when refused, how
	 * long until the next permit is free (at least 1)
	 * @param permitsLeft permits left in the current period after this decision; negative
	 * when permits of later periods are reserved
	 */
	record PermitDecision(boolean permitted, long nanos, long permitsLeft) {

		public PermitDecision {
			if (nanos < 0 || (!permitted && nanos == 0)) {
				throw new IllegalArgumentException((permitted ? "wait" : "retry after") + " of " + nanos
						+ "ns: a wait must not be negative, a retry after must be positive");
			}
		}

		public static PermitDecision permitted(long waitNanos, long permitsLeft) {
			return new PermitDecision(true, waitNanos, permitsLeft);
		}

		public static PermitDecision refused(long retryAfterNanos, long permitsLeft) {
			return new PermitDecision(false, retryAfterNanos, permitsLeft);
		}

	}

}
