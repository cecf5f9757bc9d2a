package dev.resilience.ratelimiter;

import dev.resilience.Policy;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;

/**
 * Lets at most {@link RateLimiterConfig#getLimitForPeriod()} calls start per
 * {@link RateLimiterConfig#getLimitRefreshPeriod()}. A call beyond the limit waits at
 * most {@link RateLimiterConfig#getTimeoutDuration()} for a permit of a later period,
 * then is refused with {@link RequestNotPermittedException}, whose
 * {@link RequestNotPermittedException#getRetryAfter()} says when the next permit is free.
 * The limiter counts calls as they start; how they end does not matter to it.
 * <p>
 * Thread-safe. Taking a permit without waiting is lock-free and allocates nothing.
 * Synchronous callers wait through {@link Scheduler#sleep(long)}; asynchronous callers
 * never block, their call is scheduled for when its permit is due.
 */
public interface RateLimiter extends Policy {

	/** A rate limiter on the system ticker and scheduler. */
	static RateLimiter of(String name, RateLimiterConfig config) {
		return of(name, config, Ticker.system(), Scheduler.system());
	}

	/**
	 * A rate limiter reading time from {@code ticker} and waiting through
	 * {@code scheduler}.
	 */
	static RateLimiter of(String name, RateLimiterConfig config, Ticker ticker, Scheduler scheduler) {
		throw new UnsupportedOperationException("not built yet");
	}

	RateLimiterConfig getConfig();

	/** Live counters; the same object on every call. */
	Metrics getMetrics();

	/**
	 * Takes a permit of the current period if one is left, without waiting. A refusal is
	 * counted and reported to the listeners.
	 */
	boolean tryAcquirePermission();

	/**
	 * Takes a permit, waiting at most the timeout duration.
	 * @throws RequestNotPermittedException if none is free within it; an interrupt while
	 * waiting also ends in a refusal, with the interrupt flag set again
	 */
	void acquirePermission();

	/** Adds a listener; adding one already registered does nothing. */
	void addListener(RateLimiterListener listener);

	/** Removes a listener; removing one not registered does nothing. */
	void removeListener(RateLimiterListener listener);

	/** Counters of a rate limiter; reads are cheap and never block calls. */
	interface Metrics {

		/**
		 * Permits left in the current period; negative when callers are waiting for
		 * permits of later periods.
		 */
		int getAvailablePermissions();

		long getNumberOfPermittedCalls();

		long getNumberOfRejectedCalls();

	}

}
