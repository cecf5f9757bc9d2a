package dev.resilience.retry.internal;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletionException;

import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.internal.ExceptionClassifier;
import dev.resilience.internal.Failures;
import dev.resilience.retry.RetryConfig;

/**
 * Decides which failures a {@link RetryImpl} retries: the configured {@code retry-exceptions} and
 * {@code ignore-exceptions} through the engine's one {@link ExceptionClassifier}, applied to the
 * failure {@linkplain Failures#unwrap(Throwable) unwrapped} from its {@code CompletionException} and
 * {@code ExecutionException}, plus what is never retried whatever the lists say: a
 * {@link CallNotPermittedException}, an {@link Error} and an interruption. Immutable; allocates
 * nothing.
 */
final class RetryClassifier {

	/** Nesting of {@link CompletionException}s taken off a failed stage's failure, against cycles. */
	private static final int MAX_COMPLETION_DEPTH = 16;

	private final ExceptionClassifier lists;

	RetryClassifier(RetryConfig config) {
		this.lists = ExceptionClassifier.of(config.getRetryExceptions(), config.getIgnoreExceptions());
	}

	boolean isRetryable(Throwable failure) {
		Throwable cause = Failures.unwrap(failure);
		if (cause instanceof CallNotPermittedException || cause instanceof Error || isInterruption(cause)) {
			return false;
		}
		return this.lists.matchesUnwrapped(cause);
	}

	/**
	 * Whether {@code failure} says the thread was interrupted. A {@link SocketTimeoutException} is an
	 * {@link InterruptedIOException} by inheritance only: it reports a timeout, not an interrupt,
	 * and stays retryable.
	 */
	static boolean isInterruption(Throwable failure) {
		return failure instanceof InterruptedException
				|| (failure instanceof InterruptedIOException && !(failure instanceof SocketTimeoutException));
	}

	/**
	 * The failure an asynchronous call ends with: a stage's failure without the
	 * {@link CompletionException}s that {@code CompletableFuture} wraps around it. Unlike
	 * {@link Failures#unwrap(Throwable)}, an {@code ExecutionException} is kept: the attempt threw
	 * it, and the caller gets the last failure as it is (docs/retry.md, "Behaviour").
	 */
	static Throwable withoutCompletionWrappers(Throwable failure) {
		Throwable cause = failure;
		for (int depth = 0; depth < MAX_COMPLETION_DEPTH && cause instanceof CompletionException
				&& cause.getCause() != null; depth++) {
			cause = cause.getCause();
		}
		return cause;
	}

}
