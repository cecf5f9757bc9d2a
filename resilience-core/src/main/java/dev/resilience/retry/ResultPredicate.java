package dev.resilience.retry;

/**
 * Decides whether a result an attempt returned normally is to be retried, as a failure
 * would be: when it answers {@code true} and attempts and budget are left, the retry
 * waits its backoff and runs the attempt again; otherwise the call returns that result. A
 * call whose last result was still to be retried ends as
 * {@link RetryOutcome#FAILED_WITH_RETRY} (or {@link RetryOutcome#FAILED_WITHOUT_RETRY}
 * with one attempt, {@link RetryOutcome#BUDGET_EXHAUSTED} when the budget refused the
 * retry) and returns that result; it does not throw.
 * <p>
 * Evaluated once per attempt that returns normally, on the thread that produced the
 * result; it must be thread-safe. An exception it throws ends the call with that
 * exception, without a retry, recorded as a failed call.
 *
 * @param <A> the attempt's argument (the invocation, for a protected method)
 * @param <T> the result
 */
@FunctionalInterface
public interface ResultPredicate<A, T> {

	/**
	 * Whether {@code result}, returned by the attempt run with {@code argument}, is to be
	 * retried.
	 */
	boolean shouldRetry(A argument, T result);

}
