package dev.resilience.bulkhead.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;

import dev.resilience.CheckedFunction;

/**
 * One call through a {@link FixedThreadPoolBulkhead}: the runnable handed to the executor
 * and the listener of the stage the call returns. The caller gets {@link #result}, a
 * dependent future: whatever the caller does to it reaches neither the call's stage nor
 * its slot, except that a call which has not started yet is dropped, its slot or queue
 * place given up, since nobody waits for it any more.
 */
final class PoolTask<A, T> implements Runnable, BiConsumer<T, Throwable> {

	static final int QUEUED = 0;

	static final int STARTING = 1;

	@SuppressWarnings("rawtypes")
	private static final AtomicIntegerFieldUpdater<PoolTask> ENDED = AtomicIntegerFieldUpdater
		.newUpdater(PoolTask.class, "ended");

	private final FixedThreadPoolBulkhead bulkhead;

	private final CheckedFunction<? super A, ? extends CompletionStage<T>> call;

	private final A argument;

	final CompletableFuture<T> result = new CompletableFuture<>();

	volatile Runnable submitted;

	volatile int state = QUEUED;

	/** Set on the pool thread when the call, inside its context, begins. */
	private volatile boolean started;

	private volatile int ended;

	PoolTask(FixedThreadPoolBulkhead bulkhead, CheckedFunction<? super A, ? extends CompletionStage<T>> call,
			A argument) {
		this.bulkhead = bulkhead;
		this.call = call;
		this.argument = argument;
	}

	void leaveQueue(T value, Throwable failure) {
		if (this.state == QUEUED) {
			this.bulkhead.dequeue(this);
		}
	}

	/**
	 * Runs the call inside the caller's context. A context that cannot be set up on the
	 * pool thread (the wrapper throws before the call starts) ends the call with that
	 * failure, so the slot comes back and the caller hears of it; once the call has
	 * started, its stage ends it, whatever the wrapper does afterwards.
	 */
	@Override
	public void run() {
		try {
			this.submitted.run();
		}
		catch (Throwable ex) {
			if (!this.started) {
				end(null, ex);
				return;
			}
			throw ex;
		}
	}

	void runCall() {
		this.started = true;
		if (this.result.isDone()) {
			// The caller gave up before it started: nothing to run, the slot goes on.
			end(null, null);
			return;
		}
		CompletionStage<T> stage;
		try {
			stage = this.call.apply(this.argument);
		}
		catch (Throwable ex) {
			end(null, ex);
			return;
		}
		if (stage == null) {
			end(null, new NullPointerException("Call in thread-pool bulkhead '" + this.bulkhead.getName()
					+ "' returned null instead of a CompletionStage"));
			return;
		}
		try {
			stage.whenComplete(this);
		}
		catch (Throwable broken) {
			end(null, broken);
		}
	}

	/** Completion of the call's own stage: the call ends. */
	@Override
	public void accept(T value, Throwable failure) {
		end(value, failure);
	}

	/**
	 * Ends the call once: the slot first, so a caller that goes on finds it free, then
	 * the result.
	 */
	void end(T value, Throwable failure) {
		if (!ENDED.compareAndSet(this, 0, 1)) {
			return;
		}
		this.bulkhead.releaseSlot();
		if (failure == null) {
			this.result.complete(value);
		}
		else {
			this.result.completeExceptionally(failure);
		}
	}

}
