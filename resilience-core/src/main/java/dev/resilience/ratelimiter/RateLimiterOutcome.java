package dev.resilience.ratelimiter;

/**
 * Whether a {@link RateLimiter} let a call through; the names match the {@code kind} tag
 * of the {@code resilience.ratelimiter.calls} meter in lower case.
 */
public enum RateLimiterOutcome {

	/** A permit was taken (at once or after a wait). */
	PERMITTED,

	/** No permit within the timeout duration. */
	REJECTED,

	/**
	 * Decided without the shared {@link PermitStore}, which did not answer: the call went
	 * ahead or was refused as {@link RateLimiterConfig#getOnStoreUnavailable()} says.
	 */
	STORE_UNAVAILABLE

}
