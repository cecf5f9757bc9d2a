package dev.resilience.fallback;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Unwrapping of the exceptions that asynchronous plumbing puts around a call's real failure. */
final class Failures {

	/** Bounds the walk, in case a cause chain loops. */
	private static final int MAX_DEPTH = 16;

	private Failures() {
	}

	static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		for (int depth = 0; depth < MAX_DEPTH
				&& (current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null; depth++) {
			current = current.getCause();
		}
		return current;
	}

}
