package dev.resilience.retry.internal;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;

import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.internal.ExceptionClassifier;
import dev.resilience.internal.Failures;
import dev.resilience.retry.RetryConfig;

/**
 * Decides which failures a {@link RetryImpl} retries: the configured
 * {@code retry-exceptions} and {@code ignore-exceptions} through the engine's one
 * {@link ExceptionClassifier}, applied to the failure
 * {@linkplain Failures#unwrap(Throwable) unwrapped} from its {@code CompletionException}
 * and {@code ExecutionException}, plus what is never retried whatever the lists say: a
 * {@link CallNotPermittedException}, an {@link Error} and an interruption. Immutable;
 * allocates nothing.
 */
final class RetryClassifier {

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
	 * Whether {@code failure} says the thread was interrupted. A
	 * {@link SocketTimeoutException} is an {@link InterruptedIOException} by inheritance
	 * only: it reports a timeout, not an interrupt, and stays retryable.
	 */
	static boolean isInterruption(Throwable failure) {
		return failure instanceof InterruptedException
				|| (failure instanceof InterruptedIOException && !(failure instanceof SocketTimeoutException));
	}

}
