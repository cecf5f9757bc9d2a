package dev.resilience.retry;

/**
 * How one call through a {@link Retry} ended. Each call ends with exactly one outcome,
 * counted in {@link Retry.Metrics} and reported to {@link RetryListener#onOutcome}; the
 * names match the {@code kind} tag of the {@code resilience.retry.calls} meter in lower
 * case.
 */
public enum RetryOutcome {

	/** The first attempt succeeded. */
	SUCCESSFUL_WITHOUT_RETRY,

	/** A later attempt succeeded. */
	SUCCESSFUL_WITH_RETRY,

	/**
	 * At least one retry was made and the call still failed: the attempts ran out, or a
	 * later attempt failed with an exception that is not retried.
	 */
	FAILED_WITH_RETRY,

	/**
	 * The call failed without any retry: the first failure is not retried, or only one
	 * attempt is configured.
	 */
	FAILED_WITHOUT_RETRY,

	/**
	 * A retry was due but the retry budget refused it; the call failed with the last
	 * failure.
	 */
	BUDGET_EXHAUSTED

}
