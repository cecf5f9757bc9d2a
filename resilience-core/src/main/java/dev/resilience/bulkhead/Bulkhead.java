package dev.resilience.bulkhead;

import java.util.concurrent.CompletionStage;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Policy;
import dev.resilience.bulkhead.internal.FixedThreadPoolBulkhead;
import dev.resilience.bulkhead.internal.SemaphoreBulkhead;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * Limits the calls in flight at once. One type with two kinds, chosen by
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

	/** Counters of a bulkhead, of either kind; reads are cheap and never block calls. */
	interface Metrics {

		/**
		 * Permits not taken right now; for a thread-pool bulkhead, its maximum size minus
		 * the calls in flight (a call counts until the stage it returned has completed).
		 */
		int getAvailableConcurrentCalls();

		int getMaxAllowedConcurrentCalls();

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
