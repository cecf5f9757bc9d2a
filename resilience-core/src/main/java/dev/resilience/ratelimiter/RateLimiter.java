package dev.resilience.ratelimiter;

import dev.resilience.ContextPropagator;
import dev.resilience.Policy;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.ratelimiter.internal.AtomicRateLimiter;

/**
 * Lets at most {@link RateLimiterConfig#getLimitForPeriod()} calls start per
 * {@link RateLimiterConfig#getLimitRefreshPeriod()}. A call beyond the limit waits at
 * most {@link RateLimiterConfig#getTimeoutDuration()} for a permit of a later period,
 * then is refused with {@link RequestNotPermittedException}, whose
 * {@link RequestNotPermittedException#getRetryAfter()} says when the next permit is free.
 * The limiter counts calls as they start; how they end does not matter to it.
 * <p>
 * Periods are aligned to the limiter's creation on its {@link Ticker}: period {@code k}
 * starts {@code k} refresh periods after it, with all its permits, whatever the earlier
 * periods left unused. A caller that may wait reserves the first free permit of a later
 * period when that period starts within its timeout, so waiting callers are served in the
 * order they came, each in the period it reserved.
 * <p>
 * Thread-safe. Taking a permit without waiting is lock-free and allocates nothing.
 * Synchronous callers wait through {@link Scheduler#sleep(long)}; asynchronous callers
 * never block, their call is scheduled for when its permit is due. A reserved permit that
 * is not used (an interrupted wait, a cancelled asynchronous call) is handed back when no
 * later permit was reserved since, and is lost otherwise.
 */
public interface RateLimiter extends Policy {

	/** A rate limiter on the system ticker and scheduler. */
	static RateLimiter of(String name, RateLimiterConfig config) {
		return of(name, config, Ticker.system(), Scheduler.system());
	}

	/**
	 * A rate limiter reading time from {@code ticker} and waiting through
	 * {@code scheduler}; an asynchronous call that waits for its permit starts on the
	 * scheduler's thread without the caller's context.
	 */
	static RateLimiter of(String name, RateLimiterConfig config, Ticker ticker, Scheduler scheduler) {
		return of(name, config, ticker, scheduler, ContextPropagator.NONE);
	}

	/**
	 * A rate limiter reading time from {@code ticker} and waiting through
	 * {@code scheduler}; an asynchronous call that waits for its permit is wrapped by
	 * {@code propagator} on the caller's thread, so it starts on the scheduler's thread
	 * in the caller's context.
	 */
	static RateLimiter of(String name, RateLimiterConfig config, Ticker ticker, Scheduler scheduler,
			ContextPropagator propagator) {
		return new AtomicRateLimiter(name, config, ticker, scheduler, propagator);
	}

	RateLimiterConfig getConfig();

	/**
	 * Makes {@code config} this rate limiter's configuration for the calls that ask from
	 * now on, in place: the same object, with its listeners and counters. A change of the
	 * limit or the period starts a new cycle with the new limit at once; calls already
	 * holding or waiting for a permit keep it.
	 * @throws NullPointerException when {@code config} is {@code null}
	 * @throws UnsupportedOperationException when this implementation cannot be
	 * reconfigured
	 */
	default void reconfigure(RateLimiterConfig config) {
		throw new UnsupportedOperationException("rate limiter '" + getName() + "' cannot be reconfigured");
	}

	/** Live counters; the same object on every call. */
	Metrics getMetrics();

	/**
	 * Takes a permit of the current period if one is left, without waiting, whatever the
	 * timeout duration. A refusal is counted and reported to the listeners.
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
