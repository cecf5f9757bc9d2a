package dev.resilience.chaos.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;

/**
 * An asynchronous call held back by injected latency: a task of the scheduler (wrapped by
 * the context propagator on the caller's thread) fails {@link #result} with the injected
 * error or starts the call when the latency has passed, and {@link #result} then follows
 * the call's stage. No thread blocks meanwhile. Cancelling {@link #result} before the
 * task runs cancels the task, and the call never starts.
 */
final class DelayedAttempt<A, T> implements Runnable, BiConsumer<Object, Throwable> {

	private final CheckedFunction<? super A, ? extends CompletionStage<T>> call;

	private final A argument;

	private final Throwable error;

	private final CompletableFuture<T> result = new CompletableFuture<>();

	private final AtomicBoolean started = new AtomicBoolean();

	private volatile Scheduler.Cancellable scheduled;

	DelayedAttempt(CheckedFunction<? super A, ? extends CompletionStage<T>> call, A argument, Throwable error) {
		this.call = call;
		this.argument = argument;
		this.error = error;
	}

	CompletionStage<T> start(Scheduler scheduler, ContextPropagator propagator, long delayNanos) {
		try {
			this.scheduled = scheduler.schedule(propagator.wrap(this), delayNanos);
		}
		catch (Throwable ex) {
			this.result.completeExceptionally(ex);
			return this.result;
		}
		this.result.whenComplete(this);
		return this.result;
	}

	/** The latency has passed. */
	@Override
	public void run() {
		if (!this.started.compareAndSet(false, true) || this.result.isDone()) {
			return;
		}
		if (this.error != null) {
			this.result.completeExceptionally(this.error);
			return;
		}
		ChaosImpl.start(this.call, this.argument).whenComplete((value, failure) -> {
			if (failure == null) {
				this.result.complete(value);
			}
			else {
				this.result.completeExceptionally(failure);
			}
		});
	}

	/** The result completed: if the task has not run yet, the caller cancelled it. */
	@Override
	public void accept(Object ignored, Throwable failure) {
		if (this.started.compareAndSet(false, true)) {
			Scheduler.Cancellable handle = this.scheduled;
			if (handle != null) {
				handle.cancel();
			}
		}
	}

}
