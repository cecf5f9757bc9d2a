package dev.resilience.bulkhead.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.bulkhead.BulkheadFullException;
import dev.resilience.bulkhead.BulkheadListener;
import dev.resilience.internal.ListenerList;

import static dev.resilience.internal.Requirements.requireArgument;
import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * The thread-pool kind of {@link Bulkhead}: counts a call from the moment it is given a
 * slot until the stage it returned completes, not just while it holds a pool thread: a
 * method returning a non-blocking client's future holds its thread for microseconds but
 * its slot for as long as the request runs. The slots and the waiting queue are kept by
 * {@link Slots}, the threads by {@link PoolThreads}, each call by a {@link PoolTask}. It
 * runs only calls that return a {@link CompletionStage}: the synchronous operations of
 * {@link Bulkhead} throw {@link UnsupportedOperationException}.
 */
public final class FixedThreadPoolBulkhead implements Bulkhead, Bulkhead.Metrics {

	private static final System.Logger LOGGER = System.getLogger("dev.resilience.bulkhead");

	private final String name;

	private final BulkheadConfig config;

	private final ContextPropagator propagator;

	private final ThreadPoolExecutor executor;

	private final Slots slots;

	private final String fullDetail;

	private final LongAdder rejected = new LongAdder();

	private final ListenerList<BulkheadListener> listeners;

	public FixedThreadPoolBulkhead(String name, BulkheadConfig config, ContextPropagator propagator) {
		this.name = requireNonNull(name, "name");
		this.config = requireNonNull(config, "config");
		this.propagator = requireNonNull(propagator, "propagator");
		requireArgument(config.getType() == BulkheadConfig.Type.THREAD_POOL,
				"ThreadPoolBulkhead '" + name + "' needs a configuration of type THREAD_POOL but got "
						+ config.getType() + "; Bulkhead.of creates the kind a configuration names");
		this.slots = new Slots(config.getMaxSize(), config.getQueueCapacity());
		this.executor = PoolThreads.newExecutor(name, config);
		this.fullDetail = config.getMaxSize() + " calls in flight and " + config.getQueueCapacity() + " calls queued";
		this.listeners = new ListenerList<>(LOGGER, "ThreadPoolBulkhead '" + name + "'");
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public BulkheadConfig getConfig() {
		return this.config;
	}

	@Override
	public Metrics getMetrics() {
		return this;
	}

	/**
	 * Runs {@code call} on a pool thread and completes the returned future as the stage
	 * it returns does, once the call's slot is free again. The returned future is the
	 * caller's own: completing, cancelling or timing it out before the call starts
	 * removes the call from the queue (it never runs); after it started, the call stays
	 * in flight, holding its slot, until its own stage completes, and that stage is left
	 * alone.
	 */
	@Override
	public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
			A argument) {
		requireNonNull(call, "call");
		PoolTask<A, T> task = new PoolTask<>(this, call, argument);
		task.submitted = requireNonNull(this.propagator.wrap(task::runCall), "ContextPropagator.wrap result");
		switch (this.slots.admit(task)) {
			case START -> {
				task.state = PoolTask.STARTING;
				submit(task);
			}
			// A caller that stops waiting for a queued call takes it out of the queue.
			case QUEUED -> task.result.whenComplete(task::leaveQueue);
			case FULL -> {
				this.rejected.increment();
				this.listeners.fire(BulkheadListener::onCallRejected, this.name);
				return CompletableFuture.failedFuture(new BulkheadFullException(this.name, this.fullDetail));
			}
			case CLOSED -> {
				return CompletableFuture
					.failedFuture(new IllegalStateException("ThreadPoolBulkhead '" + this.name + "' is closed"));
			}
		}
		return task.result;
	}

	private void submit(PoolTask<?, ?> task) {
		try {
			this.executor.execute(task);
		}
		catch (Throwable ex) {
			// No thread could take it (the JVM could not start one): the slot must not
			// leak.
			task.end(null, ex);
		}
	}

	void dequeue(PoolTask<?, ?> task) {
		this.slots.dequeue(task);
	}

	/**
	 * A call ended: its slot goes to the oldest waiting call, or back to the free slots.
	 */
	void releaseSlot() {
		PoolTask<?, ?> next = this.slots.release();
		if (next != null) {
			submit(next);
		}
		else if (this.slots.isDrained()) {
			this.executor.shutdown();
		}
	}

	/**
	 * @throws UnsupportedOperationException always: a thread-pool bulkhead runs only
	 * stages
	 */
	@Override
	public <A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) {
		throw unsupported("execute");
	}

	/**
	 * @throws UnsupportedOperationException always: a thread-pool bulkhead hands out no
	 * permit
	 */
	@Override
	public boolean tryAcquirePermission() {
		throw unsupported("tryAcquirePermission");
	}

	/**
	 * @throws UnsupportedOperationException always: a thread-pool bulkhead hands out no
	 * permit
	 */
	@Override
	public void acquirePermission() {
		throw unsupported("acquirePermission");
	}

	/**
	 * @throws UnsupportedOperationException always: a thread-pool bulkhead hands out no
	 * permit
	 */
	@Override
	public void releasePermission() {
		throw unsupported("releasePermission");
	}

	private UnsupportedOperationException unsupported(String operation) {
		return new UnsupportedOperationException(
				"ThreadPoolBulkhead '" + this.name + "' runs only CompletionStage calls: " + operation
						+ " is not supported; use executeAsync, or a semaphore bulkhead for plain calls");
	}

	@Override
	public void addListener(BulkheadListener listener) {
		this.listeners.add(listener);
	}

	@Override
	public void removeListener(BulkheadListener listener) {
		this.listeners.remove(listener);
	}

	/** Calls still in flight or queued finish; the threads go once the last one has. */
	@Override
	public void close() {
		if (this.slots.close()) {
			this.executor.shutdown();
		}
	}

	@Override
	public int getAvailableConcurrentCalls() {
		return this.config.getMaxSize() - this.slots.inFlight();
	}

	@Override
	public int getMaxAllowedConcurrentCalls() {
		return this.config.getMaxSize();
	}

	@Override
	public long getNumberOfRejectedCalls() {
		return this.rejected.sum();
	}

	@Override
	public int getQueueDepth() {
		return this.slots.queued();
	}

	@Override
	public int getQueueCapacity() {
		return this.config.getQueueCapacity();
	}

	@Override
	public String toString() {
		return "ThreadPoolBulkhead '" + this.name + "' (" + this.slots.inFlight() + "/" + this.config.getMaxSize()
				+ " calls in flight, " + this.slots.queued() + "/" + this.config.getQueueCapacity() + " queued)";
	}

}
