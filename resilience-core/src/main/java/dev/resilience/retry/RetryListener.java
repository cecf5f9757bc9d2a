package dev.resilience.retry;

/**
 * Observes the calls of a {@link Retry}. Methods run on the thread that made the attempt
 * or completed it (the caller for synchronous calls, the thread completing the attempt's
 * stage or the scheduler for asynchronous ones), so they must be fast and thread-safe. A
 * listener that throws is logged and ignored: it never changes the outcome of the call,
 * and the listeners after it are still called. Only a {@link VirtualMachineError} (an
 * {@code OutOfMemoryError}, say) is never swallowed: it propagates to the caller, or
 * fails the call's stage.
 */
public interface RetryListener {

	/**
	 * A retry has been decided and is about to wait.
	 * @param retry the retry making the call
	 * @param nextAttempt number of the attempt that will run after the wait (2 for the
	 * first retry)
	 * @param failure the failure of the previous attempt, as the caller would see it, or
	 * {@code null} when its result is retried (see {@link ResultPredicate})
	 * @param delayNanos the wait before the next attempt: the backoff, jitter applied, or
	 * the wait the failure carried when that is longer
	 */
	default void onRetry(Retry retry, int nextAttempt, Throwable failure, long delayNanos) {
	}

	/**
	 * The call has ended, just before its result or failure is handed to the caller.
	 * @param retry the retry that made the call
	 * @param outcome how it ended
	 * @param attempts attempts made, the first one included
	 */
	default void onOutcome(Retry retry, RetryOutcome outcome, int attempts) {
	}

}
