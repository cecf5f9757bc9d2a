package dev.resilience.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a protected call does on each attempt, written once and run by every
 * {@link ExecutionMode}: each step is a {@link Throwable} to fail with or a value to
 * return, and the last step repeats. Optionally each attempt takes some time on a
 * {@link FakeTicker}, advanced when the attempt's outcome is produced (before a
 * synchronous return or throw, or when a pending stage is completed). Counts its
 * attempts. Not thread-safe: one script per call.
 */
public final class Script {

	private final Object[] steps;

	private final List<Runnable> pending = new ArrayList<>();

	private FakeTicker ticker;

	private Duration took = Duration.ZERO;

	private int invocations;

	private Script(Object[] steps) {
		if (steps.length == 0) {
			throw new IllegalArgumentException("a script needs at least one step");
		}
		this.steps = steps;
	}

	/**
	 * Attempts that fail with the {@link Throwable} steps and return the others, in
	 * order.
	 */
	public static Script of(Object... steps) {
		return new Script(steps.clone());
	}

	/** Attempts that all fail with {@code failure}. */
	public static Script alwaysFailing(Throwable failure) {
		return new Script(new Object[] { failure });
	}

	/**
	 * Makes each attempt advance {@code ticker} by {@code took} before its outcome is
	 * known.
	 */
	public Script taking(Duration took, FakeTicker ticker) {
		this.took = took;
		this.ticker = ticker;
		return this;
	}

	/** How many attempts ran so far. */
	public int invocations() {
		return this.invocations;
	}

	private Object next() {
		Object step = this.steps[Math.min(this.invocations, this.steps.length - 1)];
		this.invocations++;
		return step;
	}

	private void elapse() {
		if (this.ticker != null) {
			this.ticker.advance(this.took);
		}
	}

	/** One synchronous attempt: returns the step's value or throws its failure. */
	public Object call() throws Throwable {
		Object step = next();
		elapse();
		if (step instanceof Throwable failure) {
			throw failure;
		}
		return step;
	}

	/**
	 * {@link #call()} for a {@code Supplier} or a {@code Callable}: a checked failure is
	 * thrown as it is.
	 */
	Object callSneaky() {
		try {
			return call();
		}
		catch (Throwable ex) {
			throw Script.<RuntimeException>sneaky(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static <E extends Throwable> E sneaky(Throwable failure) throws E {
		throw (E) failure;
	}

	/** One asynchronous attempt that returns a stage already completed with the step. */
	CompletionStage<Object> callReturningCompletedStage() {
		Object step = next();
		elapse();
		return (step instanceof Throwable failure) ? CompletableFuture.failedFuture(failure)
				: CompletableFuture.completedFuture(step);
	}

	/**
	 * One asynchronous attempt that throws a failure step instead of returning a stage.
	 */
	CompletionStage<Object> callThrowingBeforeAnyStage() throws Throwable {
		Object step = next();
		elapse();
		if (step instanceof Throwable failure) {
			throw failure;
		}
		return CompletableFuture.completedFuture(step);
	}

	/**
	 * One asynchronous attempt that returns a stage not yet completed, as a real remote
	 * call would: {@link #completePending()} completes it later, after the policy got it
	 * back.
	 */
	CompletionStage<Object> callReturningPendingStage() {
		Object step = next();
		CompletableFuture<Object> stage = new CompletableFuture<>();
		this.pending.add(() -> {
			elapse();
			if (step instanceof Throwable failure) {
				stage.completeExceptionally(failure);
			}
			else {
				stage.complete(step);
			}
		});
		return stage;
	}

	/**
	 * Completes every stage handed out and not completed yet.
	 * @return whether there was one
	 */
	public boolean completePending() {
		if (this.pending.isEmpty()) {
			return false;
		}
		List<Runnable> due = new ArrayList<>(this.pending);
		this.pending.clear();
		due.forEach(Runnable::run);
		return true;
	}

}
