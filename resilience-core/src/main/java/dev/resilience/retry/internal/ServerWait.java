package dev.resilience.retry.internal;

import java.time.Duration;

import dev.resilience.internal.Durations;
import dev.resilience.internal.Failures;
import dev.resilience.ratelimiter.RequestNotPermittedException;
import dev.resilience.retry.RetryAfterReader;

/**
 * Finds the wait a failure carries: asks the failure and each of its causes in turn,
 * outermost first, and takes the first answer. A {@link RequestNotPermittedException}
 * answers with its own {@link RequestNotPermittedException#getRetryAfter()}; any other
 * throwable is asked through the configured {@link RetryAfterReader}. Stateless.
 */
final class ServerWait {

	/** No wait was found. */
	static final long NONE = -1;

	/** A cause chain can loop; real wrapping nests a few levels deep. */
	private static final int MAX_DEPTH = 16;

	private ServerWait() {
	}

	/**
	 * The wait in nanoseconds (saturated at {@code cap + 1} so that any larger wait reads
	 * as beyond the cap), or {@link #NONE}.
	 */
	static long nanos(Throwable failure, RetryAfterReader reader, long cap) {
		Throwable current = failure;
		for (int depth = 0; depth < MAX_DEPTH && current != null; depth++) {
			Duration wait = read(current, reader);
			if (wait != null && !wait.isNegative()) {
				return Durations.toNanosAtMost(wait, cap + 1);
			}
			Throwable cause = current.getCause();
			current = (cause != current) ? cause : null;
		}
		return NONE;
	}

	private static Duration read(Throwable failure, RetryAfterReader reader) {
		if (failure instanceof RequestNotPermittedException refusal) {
			return refusal.getRetryAfter();
		}
		if (reader == RetryAfterReader.NONE) {
			return null;
		}
		try {
			return reader.retryAfter(failure);
		}
		catch (Throwable ex) {
			Failures.rethrowIfFatal(ex);
			return null;
		}
	}

}
