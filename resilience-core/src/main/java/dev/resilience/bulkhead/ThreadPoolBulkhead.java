package dev.resilience.bulkhead;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.bulkhead.internal.FixedThreadPoolBulkhead;

/**
 * A thread-pool bulkhead for calls that return a {@link CompletionStage}: at most
 * {@link BulkheadConfig#getMaxSize()} calls are in flight at once, each counted from the moment it
 * starts on one of the pool's daemon threads (named {@code resilience-bulkhead-<name>-N}) until the
 * stage it returned completes, however soon it gave its thread back. Further calls wait, first come
 * first served, in a queue of {@link BulkheadConfig#getQueueCapacity()} places for a call to end; a
 * call finding the queue full is refused with {@link BulkheadFullException} in the returned stage.
 * The caller's thread never blocks.
 * <p>
 * Thread safe. The task is wrapped by the {@link ContextPropagator} on the caller's thread, so the
 * call sees the caller's context on the pool thread. {@link #close()} stops accepting calls and
 * lets the queued ones finish.
 */
public interface ThreadPoolBulkhead extends AutoCloseable {

	/**
	 * Creates a thread-pool bulkhead; its core threads start on demand.
	 * @param name instance name, part of the thread names, exceptions and metrics
	 * @param config a configuration of type {@link BulkheadConfig.Type#THREAD_POOL}
	 * @param propagator carries the caller's context to the pool thread
	 * @throws IllegalArgumentException if the configuration is of another type
	 */
	static ThreadPoolBulkhead of(String name, BulkheadConfig config, ContextPropagator propagator) {
		return new FixedThreadPoolBulkhead(name, config, propagator);
	}

	String getName();

	BulkheadConfig getConfig();

	/** Live view of this bulkhead's counters; the same object on every call. */
	Metrics getMetrics();

	/**
	 * Runs {@code call} on a pool thread and completes the returned future as the stage it returns
	 * does, once the call's slot is free again. Never throws: a full queue (with
	 * {@link BulkheadFullException}, counted), a closed bulkhead, an exception thrown by
	 * {@code call} or a {@code null} stage all give a failed future. The returned future is the
	 * caller's own: completing, cancelling or timing it out before the call starts removes the call
	 * from the queue (it never runs); after it started, the call stays in flight, holding its slot,
	 * until its own stage completes, and that stage is left alone.
	 */
	<A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
			A argument);

	/** Like {@link #executeAsync}, for a supplier of a stage. */
	default <T> CompletionStage<T> executeCompletionStage(Supplier<? extends CompletionStage<T>> supplier) {
		return executeAsync(Supplier::get, supplier);
	}

	void addListener(BulkheadListener listener);

	void removeListener(BulkheadListener listener);

	/**
	 * Stops accepting calls; calls already queued or in flight finish, and the threads end after
	 * the last of them. Idempotent.
	 */
	@Override
	void close();

	/**
	 * Counters of a thread-pool bulkhead. Available calls are {@code maxSize} minus the calls in
	 * flight right now (a call counts until the stage it returned has completed).
	 */
	interface Metrics extends Bulkhead.Metrics {

		/** Calls waiting in the queue right now. */
		int getQueueDepth();

		int getQueueCapacity();

	}

}
