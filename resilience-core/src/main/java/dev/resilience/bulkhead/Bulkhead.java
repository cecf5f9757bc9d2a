package dev.resilience.bulkhead;

import java.util.concurrent.CompletionStage;

import dev.resilience.CheckedFunction;
import dev.resilience.Policy;
import dev.resilience.bulkhead.internal.SemaphoreBulkhead;

/**
 * A semaphore bulkhead: at most {@link BulkheadConfig#getMaxConcurrentCalls()} calls hold a
 * permit at once; a call over the limit waits at most {@link BulkheadConfig#getMaxWaitDuration()}
 * on its own thread, then is refused with {@link BulkheadFullException}.
 * <p>
 * Thread safe. Taking and returning a permit is lock-free and allocates nothing when no wait is
 * configured. The {@code execute*} methods return the permit on every path, exactly once: success
 * or exception, and for asynchronous calls the completion of the stage the call returned (by
 * value, failure or its own cancellation). Permits never exceed the configured maximum.
 */
public interface Bulkhead extends Policy {

	/**
	 * Creates a semaphore bulkhead.
	 * @param name instance name, carried by its exceptions and metrics
	 * @param config a configuration of type {@link BulkheadConfig.Type#SEMAPHORE}
	 * @return a new bulkhead with every permit available
	 * @throws IllegalArgumentException if the configuration is of another type
	 */
	static Bulkhead of(String name, BulkheadConfig config) {
		return new SemaphoreBulkhead(name, config);
	}

	String getName();

	BulkheadConfig getConfig();

	/** Live view of this bulkhead's counters; the same object on every call. */
	Metrics getMetrics();

	/**
	 * Takes a permit, waiting at most the configured wait. A refusal is counted and reported to the
	 * listeners. An interrupt while waiting ends the wait as a refusal, with the interrupt flag set
	 * again.
	 * @return whether a permit was taken; if so, {@link #releasePermission()} must follow
	 */
	boolean tryAcquirePermission();

	/**
	 * Takes a permit like {@link #tryAcquirePermission()}.
	 * @throws BulkheadFullException if none was available
	 */
	void acquirePermission();

	/**
	 * Returns a permit taken by {@link #tryAcquirePermission()} or {@link #acquirePermission()}.
	 * @throws IllegalStateException if every permit is already available, which means a permit was
	 * returned twice
	 */
	void releasePermission();

	/**
	 * Runs {@code call} with a permit held, returning the permit however it ends.
	 * @throws BulkheadFullException if no permit was available; {@code call} did not run
	 * @throws Throwable whatever {@code call} throws, unchanged
	 */
	<A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable;

	/**
	 * Runs {@code call} with a permit held until the stage it returns completes. The caller gets a
	 * dependent future that completes as that stage does, after the permit is back. Completing,
	 * cancelling or timing out that future only stops the caller waiting: the call is in flight, and
	 * holds its permit, until its own stage completes, which is left alone. A stage that never
	 * completes therefore holds its permit for good; bound the call's own work (a client timeout).
	 * Never throws: a refusal (with {@link BulkheadFullException}), an exception thrown by
	 * {@code call} or a {@code null} stage all give a failed future.
	 */
	<A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
			A argument);

	void addListener(BulkheadListener listener);

	void removeListener(BulkheadListener listener);

	/** Counters of a bulkhead; reads are cheap and never block calls. */
	interface Metrics {

		/** Permits not taken right now. */
		int getAvailableConcurrentCalls();

		int getMaxAllowedConcurrentCalls();

		/** Calls refused since the bulkhead was created. */
		long getNumberOfRejectedCalls();

	}

}
