package dev.resilience;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.resilience.internal.Failures;

/**
 * One attempt of a hedged pipeline call: what the hedge waits for, and what it cancels
 * when the attempt loses. The stages inside the hedge hand their callers stages of their
 * own, which a cancel does not cross (a caller that stops waiting leaves the call
 * running); a losing attempt, though, is the hedge's to stop. So the attempt remembers
 * the protected code's own stage, as the code returned it, and a cancel reaches it: the
 * code's work is cancelled, the bulkhead permit comes back as the stage ends, and the
 * breaker records nothing for a cancelled stage. Code whose stage cannot be cancelled
 * runs to its end, and is recorded as it ends.
 */
final class HedgedAttempt extends CompletableFuture<Object> implements Invocation {

	private final Invocation invocation;

	/** What the protected code returned, once it has; cancelled with the attempt. */
	private volatile Object own;

	private HedgedAttempt(Invocation invocation) {
		this.invocation = invocation;
	}

	/** Runs {@code next} once for a hedge, as one attempt that can be cancelled. */
	static CompletionStage<Object> run(Invocation invocation, CheckedFunction<Invocation, CompletionStage<Object>> next)
			throws Throwable {
		HedgedAttempt attempt = new HedgedAttempt(invocation);
		CompletionStage<Object> stage = next.apply(attempt);
		if (stage == null) {
			return null;
		}
		stage.whenComplete((value, failure) -> {
			if (failure == null) {
				attempt.complete(value);
			}
			else {
				attempt.completeExceptionally(failure);
			}
		});
		return attempt;
	}

	@Override
	public Object proceed() throws Throwable {
		Object result = this.invocation.proceed();
		this.own = result;
		if (isCancelled()) {
			// Lost while the code was starting (on a thread-pool bulkhead's thread).
			cancelOwn(result);
		}
		return result;
	}

	@Override
	public Object[] getArguments() {
		return this.invocation.getArguments();
	}

	@Override
	public Object getTarget() {
		return this.invocation.getTarget();
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = super.cancel(mayInterruptIfRunning);
		if (cancelled) {
			cancelOwn(this.own);
		}
		return cancelled;
	}

	private static void cancelOwn(Object own) {
		if (own instanceof CompletionStage<?> stage) {
			try {
				stage.toCompletableFuture().cancel(true);
			}
			catch (Throwable cannotCancel) {
				Failures.rethrowIfFatal(cannotCancel);
			}
		}
	}

}
