package dev.resilience.chaos;

/**
 * The kinds of fault a {@link Chaos} instance injects; a call may get both, the latency
 * first.
 */
public enum ChaosFault {

	/** The call failed with the configured error instead of running. */
	ERROR,

	/** The call was held back by the configured latency before running (or failing). */
	LATENCY

}
