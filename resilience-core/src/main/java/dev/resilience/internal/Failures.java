package dev.resilience.internal;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one rule for finding a call's real failure under the wrappers that asynchronous
 * plumbing puts around it. Retry, breaker, bulkhead, fallback and pipeline all classify
 * the unwrapped failure, so one failure is judged the same way by each of them.
 */
public final class Failures {

	/**
	 * How many wrappers are taken off at most. A cause chain can loop
	 * ({@code a.initCause(b)}, {@code b.initCause(a)}); real plumbing nests two or three
	 * deep.
	 */
	static final int MAX_UNWRAP_DEPTH = 16;

	private Failures() {
	}

	/**
	 * The failure under any {@link CompletionException} and {@link ExecutionException}
	 * wrapping it, outermost first. A wrapper without a cause is returned as it is; so is
	 * {@code null}.
	 */
	public static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		for (int depth = 0; depth < MAX_UNWRAP_DEPTH && isWrapper(current) && current.getCause() != null; depth++) {
			current = current.getCause();
		}
		return current;
	}

	/**
	 * The failure a caller of an asynchronous call is handed: only
	 * {@link CompletionException}s are taken off, because they are the stage machinery's
	 * own wrapping; an {@link ExecutionException} the call itself threw stays, as the
	 * call threw it. Classify with {@link #unwrap(Throwable)}, hand back with this.
	 */
	public static Throwable unwrapCompletion(Throwable failure) {
		Throwable current = failure;
		for (int depth = 0; depth < MAX_UNWRAP_DEPTH && current instanceof CompletionException
				&& current.getCause() != null; depth++) {
			current = current.getCause();
		}
		return current;
	}

	/**
	 * Whether {@code failure} is one of the wrappers {@link #unwrap(Throwable)} takes
	 * off.
	 */
	public static boolean isWrapper(Throwable failure) {
		return failure instanceof CompletionException || failure instanceof ExecutionException;
	}

	/**
	 * Rethrows {@code failure} when the JVM itself is failing
	 * ({@link VirtualMachineError}): no listener or callback may swallow an
	 * {@code OutOfMemoryError} or a {@code StackOverflowError}.
	 */
	public static void rethrowIfFatal(Throwable failure) {
		if (failure instanceof VirtualMachineError error) {
			throw error;
		}
	}

}
