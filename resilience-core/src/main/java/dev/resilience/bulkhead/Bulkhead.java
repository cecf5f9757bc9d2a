package dev.resilience.bulkhead;

import java.util.concurrent.CompletionStage;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Policy;
import dev.resilience.Ticker;
import dev.resilience.bulkhead.internal.AdaptiveBulkhead;
import dev.resilience.bulkhead.internal.FixedThreadPoolBulkhead;
import dev.resilience.bulkhead.internal.ReleasingPermit;
import dev.resilience.bulkhead.internal.SemaphoreBulkhead;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * Limits the calls in flight at once. One type with three kinds, chosen by
 * {@link BulkheadConfig#getType()}:
 * <ul>
 * <li>{@link BulkheadConfig.Type#SEMAPHORE}: at most
 * {@link BulkheadConfig#getMaxConcurrentCalls()} calls hold a permit at once, each on its
 * caller's thread; a call over the limit waits at most
 * {@link BulkheadConfig#getMaxWaitDuration()}, then is refused with
 * {@link BulkheadFullException}. Taking and returning a permit is lock-free and allocates
 * nothing when no wait is configured.</li>
 * <li>{@link BulkheadConfig.Type#THREAD_POOL}: for calls that return a
 * {@link CompletionStage} only. At most {@link BulkheadConfig#getMaxSize()} calls are in
 * flight, each counted from the moment it starts on one of the pool's daemon threads
 * (named {@code resilience-bulkhead-<name>-N}) until the stage it returned completes,
 * however soon it gave its thread back. Further calls wait, first come first served, in a
 * queue of {@link BulkheadConfig#getQueueCapacity()} places; a call finding the queue
 * full is refused with {@link BulkheadFullException} in the returned stage. The caller's
 * thread never blocks, and the call sees the caller's context through the
 * {@link ContextPropagator}. The synchronous operations ({@link #execute},
 * {@link #tryAcquirePermission()}, {@link #acquirePermission()},
 * {@link #releasePermission()}) throw {@link UnsupportedOperationException}: use
 * {@link #executeAsync}.</li>
 * <li>{@link BulkheadConfig.Type#ADAPTIVE}: like the semaphore kind, with a limit that a
 * {@link LimitAlgorithm} moves between {@link BulkheadConfig#getMinLimit()} and
 * {@link BulkheadConfig#getMaxLimit()} from the latency and failures of the calls that
 * end, timed by the engine's {@link Ticker}. A lowered limit refuses new calls until
 * enough of those in flight have ended; it never interrupts one.</li>
 * </ul>
 * Thread safe. The {@code execute*} methods return the permit on every path, exactly
 * once: success or exception, and for asynchronous calls the completion of the stage the
 * call returned (by value, failure or its own cancellation). Permits never exceed the
 * configured maximum.
 */
public interface Bulkhead extends Policy, AutoCloseable {

	/**
	 * Creates the kind of bulkhead {@code config} names; a thread-pool one carries no
	 * caller context to its threads.
	 * @param name instance name, carried by its exceptions, metrics and thread names
	 * @param config its configuration
	 * @return a new bulkhead with every permit available (a thread-pool one starts its
	 * threads on demand)
	 */
	static Bulkhead of(String name, BulkheadConfig config) {
		return of(name, config, ContextPropagator.NONE);
	}

	/**
	 * Creates the kind of bulkhead {@code config} names.
	 * @param name instance name, carried by its exceptions, metrics and thread names
	 * @param config its configuration
	 * @param propagator carries the caller's context to a thread-pool bulkhead's threads;
	 * unused by a semaphore bulkhead
	 * @return a new bulkhead with every permit available (a thread-pool one starts its
	 * threads on demand)
	 */
	static Bulkhead of(String name, BulkheadConfig config, ContextPropagator propagator) {
		requireNonNull(propagator, "propagator");
		if (config != null && config.getType() == BulkheadConfig.Type.THREAD_POOL) {
			return new FixedThreadPoolBulkhead(name, config, propagator);
		}
		return new SemaphoreBulkhead(name, config);
	}

	/**
	 * Creates the kind of bulkhead {@code config} names, an adaptive one included.
	 * @param name instance name, carried by its exceptions, metrics and thread names
	 * @param config its configuration
	 * @param propagator carries the caller's context to a thread-pool bulkhead's threads
	 * @param ticker times the calls of an adaptive bulkhead for its algorithm
	 * @param algorithms creates an adaptive bulkhead's algorithm; {@code null} when no
	 * adaptive bulkhead is expected
	 * @return a new bulkhead
	 * @throws IllegalArgumentException if the configuration is adaptive and
	 * {@code algorithms} is {@code null}
	 */
	static Bulkhead of(String name, BulkheadConfig config, ContextPropagator propagator, Ticker ticker,
			LimitAlgorithm.Factory algorithms) {
		if (config != null && config.getType() == BulkheadConfig.Type.ADAPTIVE) {
			requireNonNull(ticker, "ticker");
			if (algorithms == null) {
				throw new IllegalArgumentException("Bulkhead '" + name
						+ "' is adaptive but no LimitAlgorithm.Factory was given to create its algorithm");
			}
			return new AdaptiveBulkhead(name, config, ticker, algorithms.create(name, config));
		}
		return of(name, config, propagator);
	}

	@Override
	String getName();

	BulkheadConfig getConfig();

	/** Live view of this bulkhead's counters; the same object on every call. */
	Metrics getMetrics();

	/**
	 * Takes a permit, waiting at most the configured wait. A refusal is counted and
	 * reported to the listeners. An interrupt while waiting ends the wait as a refusal,
	 * with the interrupt flag set again.
	 * @return whether a permit was taken; if so, {@link #releasePermission()} must follow
	 * @throws UnsupportedOperationException for a thread-pool bulkhead
	 */
	boolean tryAcquirePermission();

	/**
	 * Takes a permit like {@link #tryAcquirePermission()}.
	 * @throws BulkheadFullException if none was available
	 * @throws UnsupportedOperationException for a thread-pool bulkhead
	 */
	void acquirePermission();

	/**
	 * Returns a permit taken by {@link #tryAcquirePermission()} or
	 * {@link #acquirePermission()}.
	 * @throws IllegalStateException if every permit is already available, which means a
	 * permit was returned twice
	 * @throws UnsupportedOperationException for a thread-pool bulkhead
	 */
	void releasePermission();

	/**
	 * Runs {@code call} with a permit held, returning the permit however it ends.
	 * @throws BulkheadFullException if no permit was available; {@code call} did not run
	 * @throws UnsupportedOperationException for a thread-pool bulkhead, which runs only
	 * {@link #executeAsync} calls; {@code call} did not run
	 * @throws Throwable whatever {@code call} throws, unchanged
	 */
	@Override
	<A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable;

	/**
	 * Runs {@code call} with a permit held until the stage it returns completes (on a
	 * pool thread for a thread-pool bulkhead). The caller gets a dependent future that
	 * completes as that stage does, after the permit is back. Completing, cancelling or
	 * timing out that future only stops the caller waiting: the call is in flight, and
	 * holds its permit, until its own stage completes, which is left alone (a thread-pool
	 * call still queued is dropped from the queue and never runs). A stage that never
	 * completes therefore holds its permit for good; bound the call's own work (a client
	 * timeout). Never throws: a refusal (with {@link BulkheadFullException}), a closed
	 * thread-pool bulkhead, an exception thrown by {@code call} or a {@code null} stage
	 * all give a failed future.
	 */
	@Override
	<A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call, A argument);

	/**
	 * Takes a permit for one call whose end the caller reports later, once, through the
	 * returned handle (a reactive subscription's terminal signal or cancel): for an
	 * adaptive bulkhead that report is the algorithm's sample, which
	 * {@link #releasePermission()} cannot give. Waits at most the configured wait, like
	 * {@link #acquirePermission()}.
	 * @return the permit; its first report returns it, later ones do nothing
	 * @throws BulkheadFullException if none was available
	 * @throws UnsupportedOperationException for a thread-pool bulkhead
	 */
	default CallPermit acquireCallPermit() {
		acquirePermission();
		return new ReleasingPermit(this);
	}

	/** Registers {@code listener}; one already registered is left as it is. */
	void addListener(BulkheadListener listener);

	void removeListener(BulkheadListener listener);

	/**
	 * Stops a thread-pool bulkhead accepting calls; calls already queued or in flight
	 * finish, and the threads end after the last of them. Idempotent; does nothing for a
	 * semaphore bulkhead.
	 */
	@Override
	void close();

	/**
	 * Makes {@code config} this bulkhead's configuration for the calls that ask for a
	 * permit from now on, in place: the same object, with its listeners and counters;
	 * calls in flight keep their permits. Only a semaphore bulkhead can be reconfigured,
	 * and only to another semaphore configuration.
	 * @throws IllegalArgumentException when {@code config} is of another type
	 * @throws UnsupportedOperationException when this kind of bulkhead cannot be
	 * reconfigured (thread-pool and adaptive ones)
	 */
	default void reconfigure(BulkheadConfig config) {
		throw new UnsupportedOperationException(
				"bulkhead '" + getName() + "' of type " + getConfig().getType() + " cannot be reconfigured");
	}

	/**
	 * The permit of one call taken by {@link #acquireCallPermit()}. The first of its
	 * methods to be called returns the permit; the others then do nothing. Thread safe.
	 */
	interface CallPermit {

		/** The call ended normally (a value, or a completion without one). */
		void onSuccess();

		/** The call ended with {@code failure}. */
		void onFailure(Throwable failure);

		/**
		 * The caller stopped the call (a cancel): the permit comes back and an adaptive
		 * bulkhead's algorithm learns nothing from it.
		 */
		void onCancel();

	}

	/** Counters of a bulkhead, of any kind; reads are cheap and never block calls. */
	interface Metrics {

		/**
		 * Permits not taken right now; for a thread-pool bulkhead, its maximum size minus
		 * the calls in flight (a call counts until the stage it returned has completed).
		 */
		int getAvailableConcurrentCalls();

		/**
		 * Calls allowed in flight at once: the configured maximum, or an adaptive
		 * bulkhead's current limit.
		 */
		int getMaxAllowedConcurrentCalls();

		/**
		 * The limit on calls in flight right now: an adaptive bulkhead's current limit,
		 * else the configured maximum ({@link #getMaxAllowedConcurrentCalls()}).
		 */
		default int getLimit() {
			return getMaxAllowedConcurrentCalls();
		}

		/** Calls refused since the bulkhead was created. */
		long getNumberOfRejectedCalls();

		/**
		 * Calls waiting in a thread-pool bulkhead's queue right now; always 0 for a
		 * semaphore bulkhead.
		 */
		int getQueueDepth();

		/**
		 * Places in a thread-pool bulkhead's queue; 0 for a semaphore bulkhead, which has
		 * none.
		 */
		int getQueueCapacity();

	}

}
