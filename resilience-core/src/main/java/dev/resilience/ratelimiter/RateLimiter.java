package dev.resilience.ratelimiter;

import dev.resilience.ContextPropagator;
import dev.resilience.Policy;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.ratelimiter.internal.AtomicRateLimiter;
import dev.resilience.ratelimiter.internal.ClusterRateLimiter;

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
		if (config.getScope() == RateLimiterConfig.Scope.CLUSTER) {
			throw new IllegalArgumentException("RateLimiter '" + name
					+ "' has scope cluster and needs a PermitStore: use of(name, config, store, ticker, scheduler,"
					+ " propagator)");
		}
		return new AtomicRateLimiter(name, config, ticker, scheduler, propagator);
	}

	/**
	 * A rate limiter of the scope {@code config} names: of
	 * {@link RateLimiterConfig.Scope#CLUSTER} scope, its permits are decided by
	 * {@code store}, and while the store does not answer, one call per second asks it
	 * again and the others are decided at once as
	 * {@link RateLimiterConfig#getOnStoreUnavailable()} says; of instance scope, it
	 * ignores {@code store}, which may then be {@code null}.
	 * @throws IllegalArgumentException for a cluster scope without a store
	 */
	static RateLimiter of(String name, RateLimiterConfig config, PermitStore store, Ticker ticker, Scheduler scheduler,
			ContextPropagator propagator) {
		if (config.getScope() == RateLimiterConfig.Scope.CLUSTER) {
			if (store == null) {
				throw new IllegalArgumentException("RateLimiter '" + name
						+ "' has scope cluster but no PermitStore was given to keep its shared permits");
			}
			return new ClusterRateLimiter(name, config, store, ticker, scheduler, propagator);
		}
		return of(name, config, ticker, scheduler, propagator);
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
		 * permits of later periods. A cluster limiter reports what its store said at its
		 * last decision.
		 */
		int getAvailablePermissions();

		long getNumberOfPermittedCalls();

		long getNumberOfRejectedCalls();

		/**
		 * Calls decided without the shared store, which did not answer (allowed or
		 * refused as configured); always 0 for an instance-scope limiter. Such calls are
		 * counted here only, neither as permitted nor as rejected.
		 */
		default long getNumberOfStoreUnavailableCalls() {
			return 0;
		}

		/**
		 * Whether the shared store answered the last time it was asked; always
		 * {@code true} for an instance-scope limiter.
		 */
		default boolean isStoreAvailable() {
			return true;
		}

	}

}
