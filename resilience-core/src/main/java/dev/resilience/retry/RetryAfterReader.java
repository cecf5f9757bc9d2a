package dev.resilience.retry;

import java.time.Duration;

/**
 * Reads the wait a server asked for from one failure, such as an HTTP response's
 * {@code Retry-After} header carried by a client exception. The retry asks it about the
 * failure and each of its causes in turn, outermost first, and takes the first answer; it
 * knows {@link dev.resilience.ratelimiter.RequestNotPermittedException} itself. With
 * {@link RetryConfig#isRespectRetryAfter()} on, the wait before the next attempt is then
 * the larger of the backoff and that wait, and no retry is made when that wait exceeds
 * {@link RetryConfig#getMaxWaitDuration()}.
 * <p>
 * Called only on the failure path, on the thread that saw the failure; it must be
 * thread-safe and must not block. An exception it throws counts as no answer.
 */
@FunctionalInterface
public interface RetryAfterReader {

	/** Reads nothing: only the engine's own exceptions carry a wait. */
	RetryAfterReader NONE = (failure) -> null;

	/**
	 * The wait {@code failure} itself carries, without looking at its causes.
	 * @return the wait, or {@code null} when it carries none; a negative wait is ignored
	 */
	Duration retryAfter(Throwable failure);

}
