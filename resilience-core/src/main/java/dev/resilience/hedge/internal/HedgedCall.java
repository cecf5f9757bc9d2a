package dev.resilience.hedge.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiConsumer;

import dev.resilience.CheckedFunction;
import dev.resilience.Scheduler;
import dev.resilience.hedge.HedgeOutcome;
import dev.resilience.internal.Failures;

/**
 * One call through a {@link HedgeImpl}: its attempts, the timer of its next hedge and the
 * result handed to the caller.
 * <p>
 * The attempts sent and failed are counted in one {@code int}, changed by compare-and-set
 * only, so that "every attempt sent has failed" (the call fails) and "send one more
 * attempt" (the timer) exclude each other: either the hedge goes out and the call waits
 * for it, or the call has failed and the timer sends nothing. The first success completes
 * {@link #result}; whoever completes it cancels the timer and every other attempt. An
 * attempt that starts after that (a timer racing the winner) finds the result done and
 * cancels itself, so no attempt is left running for nothing.
 *
 * @param <A> the attempt's argument
 * @param <T> the call's result
 */
final class HedgedCall<A, T> implements Runnable {

	private static final AtomicIntegerFieldUpdater<HedgedCall> STATE = AtomicIntegerFieldUpdater
		.newUpdater(HedgedCall.class, "state");

	/** Attempts sent, in the low byte; attempts failed, in the next one. */
	private static final int SENT = 1;

	private static final int FAILED = 1 << 8;

	private static final int MASK = 0xFF;

	final Result<T> result = new Result<>(this);

	private final HedgeImpl hedge;

	private final CheckedFunction<? super A, ? extends CompletionStage<T>> call;

	private final A argument;

	/** The stage of each attempt sent, by attempt index (0 is the first attempt). */
	private final AtomicReferenceArray<CompletionStage<T>> stages;

	private volatile int state;

	private volatile long delayNanos;

	/** This call wrapped by the propagator on the caller's thread; sends each hedge. */
	private volatile Runnable timerTask;

	private volatile Scheduler.Cancellable timer;

	HedgedCall(HedgeImpl hedge, CheckedFunction<? super A, ? extends CompletionStage<T>> call, A argument) {
		this.hedge = hedge;
		this.call = call;
		this.argument = argument;
		this.stages = new AtomicReferenceArray<>(hedge.maxAttempts());
	}

	/** Runs the first attempt on the caller's thread and arms the first hedge. */
	void start() {
		this.hedge.deposit();
		this.state = SENT;
		launch(0);
		if (this.result.isDone()) {
			return;
		}
		this.delayNanos = this.hedge.currentDelayNanos();
		this.timerTask = this.hedge.propagate(this);
		arm();
	}

	/** The delay has passed: send a hedge if the call still needs one. */
	@Override
	public void run() {
		if (this.result.isDone()) {
			return;
		}
		if (!this.hedge.tryWithdraw()) {
			this.hedge.record(HedgeOutcome.BUDGET_EXHAUSTED);
			return;
		}
		int index;
		while (true) {
			int current = this.state;
			int sent = current & MASK;
			if (((current >>> 8) & MASK) == sent) {
				// Every attempt failed and the call with them (the token is lost, which
				// only errs on the side of fewer hedges).
				return;
			}
			if (STATE.compareAndSet(this, current, current + SENT)) {
				index = sent;
				break;
			}
		}
		this.hedge.beforeHedge(index + 1);
		launch(index);
		if (index + 1 < this.stages.length() && !this.result.isDone()) {
			arm();
		}
	}

	private void arm() {
		Scheduler.Cancellable task;
		try {
			task = this.hedge.scheduler().schedule(this.timerTask, this.delayNanos);
		}
		catch (Throwable rejected) {
			// No scheduler, no hedge: the attempts sent so far decide the call.
			Failures.rethrowIfFatal(rejected);
			return;
		}
		this.timer = task;
		if (this.result.isDone()) {
			task.cancel();
		}
	}

	private void launch(int index) {
		Attempt<T> attempt = new Attempt<>(this, index, this.hedge.learnsLatencies() ? this.hedge.ticker().read() : 0);
		CompletionStage<T> stage;
		try {
			stage = this.call.apply(this.argument);
			if (stage == null) {
				throw new NullPointerException(
						"Hedge '" + this.hedge.getName() + "': the attempt returned null instead of a CompletionStage");
			}
		}
		catch (Throwable failure) {
			attempt.accept(null, failure);
			return;
		}
		this.stages.set(index, stage);
		if (this.result.isDone()) {
			// Lost before it started: the winner's clean-up may have missed it.
			cancel(stage);
		}
		try {
			stage.whenComplete(attempt);
		}
		catch (Throwable broken) {
			// A stage that takes no callback would never report.
			attempt.accept(null, broken);
		}
	}

	private void onSuccess(int index, T value, long start) {
		if (this.hedge.learnsLatencies()) {
			this.hedge.recordLatency(this.hedge.ticker().read() - start);
		}
		if (this.result.complete(value)) {
			this.hedge.record((index == 0) ? HedgeOutcome.PRIMARY_WON : HedgeOutcome.HEDGE_WON);
			cleanUp();
		}
	}

	private void onFailure(Throwable failure) {
		Throwable cause = Failures.unwrapCompletion(failure);
		if (cause instanceof VirtualMachineError) {
			// The JVM is failing: no point waiting for the other attempts.
			fail(cause);
			return;
		}
		while (true) {
			int current = this.state;
			int next = current + FAILED;
			if (STATE.compareAndSet(this, current, next)) {
				if (((next >>> 8) & MASK) == (next & MASK)) {
					fail(cause);
				}
				return;
			}
		}
	}

	private void fail(Throwable cause) {
		if (this.result.completeExceptionally(cause)) {
			this.hedge.record(HedgeOutcome.FAILED);
			cleanUp();
		}
	}

	/** The call is over: nothing more is sent, and no attempt runs on for nothing. */
	void cleanUp() {
		Scheduler.Cancellable task = this.timer;
		if (task != null) {
			task.cancel();
		}
		for (int i = 0; i < this.stages.length(); i++) {
			CompletionStage<T> stage = this.stages.get(i);
			if (stage != null) {
				cancel(stage);
			}
		}
	}

	private static void cancel(CompletionStage<?> stage) {
		try {
			CompletableFuture<?> future = stage.toCompletableFuture();
			if (!future.isDone()) {
				future.cancel(true);
			}
		}
		catch (Throwable cannotCancel) {
			// A stage that is no CompletableFuture (or refuses to be one) cannot be
			// cancelled: it runs to its end, and its outcome is ignored.
			Failures.rethrowIfFatal(cannotCancel);
		}
	}

	/** The completion of one attempt's stage; reported once. */
	private static final class Attempt<T> implements BiConsumer<T, Throwable> {

		private static final AtomicIntegerFieldUpdater<Attempt> ENDED = AtomicIntegerFieldUpdater
			.newUpdater(Attempt.class, "ended");

		private final HedgedCall<?, T> call;

		private final int index;

		private final long start;

		private volatile int ended;

		Attempt(HedgedCall<?, T> call, int index, long start) {
			this.call = call;
			this.index = index;
			this.start = start;
		}

		@Override
		public void accept(T value, Throwable failure) {
			if (!ENDED.compareAndSet(this, 0, 1)) {
				return;
			}
			if (failure == null) {
				this.call.onSuccess(this.index, value, this.start);
			}
			else {
				this.call.onFailure(failure);
			}
		}

	}

	/**
	 * The caller's stage: cancelling it cancels every attempt and the pending hedge.
	 */
	static final class Result<T> extends CompletableFuture<T> {

		private final HedgedCall<?, T> call;

		Result(HedgedCall<?, T> call) {
			this.call = call;
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			boolean cancelled = super.cancel(mayInterruptIfRunning);
			if (cancelled) {
				this.call.cleanUp();
			}
			return cancelled;
		}

	}

}
