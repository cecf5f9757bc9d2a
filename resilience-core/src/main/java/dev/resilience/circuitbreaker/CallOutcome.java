package dev.resilience.circuitbreaker;

/**
 * How a call went through a {@link CircuitBreaker}, as reported to
 * {@link CircuitBreakerListener#onCallRecorded}. A call is slow when it took at least
 * {@link CircuitBreakerConfig#getSlowCallDurationThreshold()}; a slow failure counts both
 * as a failure and as a slow call.
 */
public enum CallOutcome {

	/**
	 * Returned normally, or threw an exception outside a non-empty record list, in time.
	 */
	SUCCESS,

	/** Threw an exception that counts as a failure, in time. */
	FAILURE,

	/** Like {@link #SUCCESS}, but slow. */
	SLOW_SUCCESS,

	/** Like {@link #FAILURE}, but slow. */
	SLOW_FAILURE,

	/** Threw an ignored exception: counted neither as success nor as failure. */
	IGNORED,

	/** Refused by the breaker; the protected method did not run. */
	NOT_PERMITTED;

	/** Whether this outcome counts as a failure in the breaker's window. */
	public boolean isFailure() {
		return this == FAILURE || this == SLOW_FAILURE;
	}

	/** Whether this outcome counts as a slow call in the breaker's window. */
	public boolean isSlow() {
		return this == SLOW_SUCCESS || this == SLOW_FAILURE;
	}

}
