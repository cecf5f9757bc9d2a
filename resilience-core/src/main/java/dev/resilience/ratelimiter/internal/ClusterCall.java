package dev.resilience.ratelimiter.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import dev.resilience.CheckedFunction;
import dev.resilience.Scheduler;
import dev.resilience.ratelimiter.PermitStore.PermitDecision;

/**
 * An asynchronous call of a {@link ClusterRateLimiter}, from the store's decision to the
 * call's start. The call always starts on the limiter's scheduler, in the caller's
 * context (wrapped by the propagator on the caller's thread): at once when its permit is
 * free now or the store is out and calls are let through, when its reserved permit is due
 * otherwise. The caller holds {@link #result} meanwhile.
 * <p>
 * The caller may cancel {@link #result} before the call starts: it then never starts, is
 * counted neither as permitted nor as rejected, and a permit the store reserved for it is
 * lost. Once the call started, {@link #result} follows the call's own stage.
 */
final class ClusterCall<A, T> implements Runnable {

	private static final int WAITING = 0;

	private static final int STARTED = 1;

	private static final int CANCELLED = 2;

	private final ClusterRateLimiter limiter;

	private final CheckedFunction<? super A, ? extends CompletionStage<T>> call;

	private final A argument;

	private final CompletableFuture<T> result = new CompletableFuture<>();

	private final AtomicInteger state = new AtomicInteger(WAITING);

	private final Runnable task;

	/** Ticker time at which the call may start. */
	private volatile long due;

	/**
	 * Whether the store permitted the call; one let through without the store is counted
	 * as store-unavailable only.
	 */
	private volatile boolean permittedByStore;

	private volatile Scheduler.Cancellable scheduled;

	ClusterCall(ClusterRateLimiter limiter, CheckedFunction<? super A, ? extends CompletionStage<T>> call, A argument) {
		this.limiter = limiter;
		this.call = call;
		this.argument = argument;
		this.task = limiter.propagate(this);
		this.result.whenComplete((value, failure) -> cancelled());
	}

	/** The store is out and was not asked: decided at once. */
	CompletionStage<T> decidedWithoutStore() {
		withoutStore();
		return this.result;
	}

	/** Waits for the store's decision, then follows it. */
	CompletionStage<T> await(CompletionStage<PermitDecision> decision) {
		try {
			decision.whenComplete((answer, failure) -> {
				if (failure == null) {
					try {
						answer = ClusterRateLimiter.answer(answer);
					}
					catch (IllegalStateException ex) {
						failure = ex;
					}
				}
				if (failure != null) {
					this.limiter.storeFailed(failure);
					withoutStore();
				}
				else {
					follow(answer);
				}
			});
		}
		catch (Throwable broken) {
			this.limiter.storeFailed(broken);
			withoutStore();
		}
		return this.result;
	}

	private void withoutStore() {
		if (this.state.get() != WAITING) {
			return;
		}
		if (this.limiter.decideWithoutStore()) {
			schedule(0);
		}
		else {
			this.result.completeExceptionally(this.limiter.refusedWithoutStore());
		}
	}

	private void follow(PermitDecision decision) {
		this.limiter.storeAnswered(decision);
		if (this.state.get() != WAITING) {
			return;
		}
		if (!decision.permitted()) {
			this.result.completeExceptionally(this.limiter.refused(decision.nanos()));
			return;
		}
		this.permittedByStore = true;
		schedule(decision.nanos());
	}

	private void schedule(long wait) {
		this.due = this.limiter.ticker().read() + wait;
		try {
			this.scheduled = this.limiter.scheduler().schedule(this.task, wait);
		}
		catch (Throwable ex) {
			this.result.completeExceptionally(ex);
		}
		if (this.state.get() == CANCELLED) {
			cancelScheduled();
		}
	}

	/** The permit is due (or the scheduler ran the task early: wait again). */
	@Override
	public void run() {
		if (this.state.get() != WAITING) {
			return;
		}
		long wait = this.due - this.limiter.ticker().read();
		if (wait > 0) {
			schedule(wait);
			return;
		}
		if (!this.state.compareAndSet(WAITING, STARTED)) {
			return;
		}
		if (this.permittedByStore) {
			this.limiter.permitted();
		}
		CompletionStage<T> stage;
		try {
			stage = this.call.apply(this.argument);
			if (stage == null) {
				throw new NullPointerException("Call in rate limiter '" + this.limiter.getName()
						+ "' returned null instead of a CompletionStage");
			}
			stage.whenComplete((value, failure) -> {
				if (failure == null) {
					this.result.complete(value);
				}
				else {
					this.result.completeExceptionally(failure);
				}
			});
		}
		catch (Throwable ex) {
			this.result.completeExceptionally(ex);
		}
	}

	/** The caller's result completed: if the call had not started, it never will. */
	private void cancelled() {
		if (this.state.compareAndSet(WAITING, CANCELLED)) {
			cancelScheduled();
		}
	}

	private void cancelScheduled() {
		Scheduler.Cancellable handle = this.scheduled;
		if (handle != null) {
			handle.cancel();
		}
	}

}
