package dev.resilience.timeout;

/**
 * How one call through a {@link Timeout} ended; the names match the {@code kind} tag of
 * the {@code resilience.timeout.calls} meter in lower case.
 */
public enum TimeoutOutcome {

	/** The call returned (or its result completed) before the deadline. */
	SUCCESSFUL,

	/** The call failed before the deadline. */
	FAILED,

	/** The deadline passed first. */
	TIMED_OUT

}
