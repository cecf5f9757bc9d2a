package dev.resilience.ratelimiter.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import dev.resilience.CheckedFunction;
import dev.resilience.Scheduler;

/**
 * An asynchronous call waiting for the cycle of the permit it reserved: a task on the
 * limiter's scheduler (wrapped by the context propagator on the caller's thread) starts
 * it when the cycle begins, and the caller holds {@link #result} meanwhile. No thread
 * blocks.
 * <p>
 * The caller may cancel {@link #result} while the call waits: the call then never starts,
 * the scheduled task is cancelled, the permit is handed back when it can be, and the
 * limiter counts the call neither as permitted nor as rejected. Once the call started,
 * {@link #result} follows the call's own stage, and cancelling it does not reach the
 * call.
 */
final class DelayedCall<A, T> implements Runnable, BiConsumer<Object, Throwable> {

	private static final int WAITING = 0;

	private static final int STARTED = 1;

	private static final int CANCELLED = 2;

	private final AtomicRateLimiter limiter;

	/**
	 * The permits the permit was reserved from, even if the limiter was reconfigured
	 * since.
	 */
	private final CyclePermits permits;

	private final CheckedFunction<? super A, ? extends CompletionStage<T>> call;

	private final A argument;

	private final long permit;

	private final CompletableFuture<T> result = new CompletableFuture<>();

	private final AtomicInteger state = new AtomicInteger(WAITING);

	private volatile Runnable task;

	private volatile Scheduler.Cancellable scheduled;

	DelayedCall(AtomicRateLimiter limiter, CyclePermits permits,
			CheckedFunction<? super A, ? extends CompletionStage<T>> call, A argument, long permit) {
		this.limiter = limiter;
		this.permits = permits;
		this.call = call;
		this.argument = argument;
		this.permit = permit;
	}

	CompletionStage<T> start(long wait) {
		this.task = this.limiter.propagate(this);
		this.result.whenComplete(this);
		schedule(wait);
		return this.result;
	}

	/**
	 * Schedules the task; a scheduler that refuses fails the result with its reason, and
	 * the permit goes back as for a cancel.
	 */
	private boolean schedule(long wait) {
		try {
			this.scheduled = this.limiter.scheduler().schedule(this.task, wait);
			return true;
		}
		catch (Throwable ex) {
			this.result.completeExceptionally(ex);
			return false;
		}
	}

	/** The permit's cycle began (or the scheduler ran the task early: wait again). */
	@Override
	public void run() {
		if (this.state.get() != WAITING) {
			return;
		}
		long wait = this.permits.nanosUntilDue(this.permit);
		if (wait > 0) {
			schedule(wait);
			return;
		}
		if (!this.state.compareAndSet(WAITING, STARTED)) {
			return;
		}
		this.limiter.permitted();
		CompletionStage<T> stage = this.limiter.startCall(this.call, this.argument);
		try {
			stage.whenComplete((value, failure) -> {
				if (failure == null) {
					this.result.complete(value);
				}
				else {
					this.result.completeExceptionally(failure);
				}
			});
		}
		catch (Throwable broken) {
			this.result.completeExceptionally(broken);
		}
	}

	/** The caller's result completed: if the call is still waiting, it was cancelled. */
	@Override
	public void accept(Object ignored, Throwable failure) {
		if (this.state.compareAndSet(WAITING, CANCELLED)) {
			Scheduler.Cancellable handle = this.scheduled;
			if (handle != null) {
				handle.cancel();
			}
			this.permits.giveBack(this.permit);
		}
	}

}
