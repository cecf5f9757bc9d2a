package dev.resilience.timeout.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;

import dev.resilience.Scheduler;
import dev.resilience.internal.Failures;
import dev.resilience.timeout.TimeoutOutcome;

/**
 * One asynchronous call under a timeout: the result handed to the caller, completed by
 * whichever comes first, the call's own stage or the deadline task. When the call ends
 * first, the deadline task is cancelled; when the deadline comes first, the call's stage
 * is cancelled ({@code toCompletableFuture().cancel(true)}, when the stage allows it) and
 * then the result fails with {@code TimeoutExceededException}.
 */
final class AsyncDeadline<T> implements BiConsumer<T, Throwable>, Runnable {

	private static final AtomicIntegerFieldUpdater<AsyncDeadline> DONE = AtomicIntegerFieldUpdater
		.newUpdater(AsyncDeadline.class, "done");

	private final TimeoutImpl timeout;

	/** The configuration the call started with. */
	private final TimeoutImpl.Limits limits;

	private final CompletionStage<T> stage;

	private final long start;

	private final CompletableFuture<T> result = new CompletableFuture<>();

	private volatile Scheduler.Cancellable deadlineTask;

	private volatile int done;

	AsyncDeadline(TimeoutImpl timeout, TimeoutImpl.Limits limits, CompletionStage<T> stage, long start) {
		this.timeout = timeout;
		this.limits = limits;
		this.stage = stage;
		this.start = start;
	}

	CompletableFuture<T> start() {
		long remaining = this.start + this.limits.durationNanos - this.timeout.ticker().read();
		if (remaining <= 0) {
			run();
			return this.result;
		}
		this.deadlineTask = this.timeout.scheduler().schedule(this, remaining);
		try {
			this.stage.whenComplete(this);
		}
		catch (Throwable broken) {
			Failures.rethrowIfFatal(broken);
			accept(null, broken);
		}
		return this.result;
	}

	/** The call's stage completed. */
	@Override
	public void accept(T value, Throwable failure) {
		if (!DONE.compareAndSet(this, 0, 1)) {
			return;
		}
		Scheduler.Cancellable task = this.deadlineTask;
		if (task != null) {
			task.cancel();
		}
		long elapsed = this.timeout.ticker().read() - this.start;
		if (failure == null) {
			this.timeout.record(TimeoutOutcome.SUCCESSFUL, elapsed);
			this.result.complete(value);
		}
		else {
			this.timeout.record(TimeoutOutcome.FAILED, elapsed);
			this.result.completeExceptionally(failure);
		}
	}

	/** The deadline passed. */
	@Override
	public void run() {
		if (!DONE.compareAndSet(this, 0, 1)) {
			return;
		}
		try {
			this.stage.toCompletableFuture().cancel(true);
		}
		catch (Throwable cannotCancel) {
			// A stage that is no CompletableFuture (or refuses to be one) cannot be
			// cancelled: the result fails all the same.
			Failures.rethrowIfFatal(cannotCancel);
		}
		this.timeout.record(TimeoutOutcome.TIMED_OUT, this.timeout.ticker().read() - this.start);
		this.result.completeExceptionally(this.timeout.exceeded(this.limits));
	}

}
