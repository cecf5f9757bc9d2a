package dev.resilience.circuitbreaker;

import dev.resilience.ResilienceException;

/**
 * Thrown instead of calling the protected method while a circuit breaker refuses calls:
 * it is open, forced open, or half-open with every trial call taken. Never retried.
 * Carries no stack trace, since it is raised on the fail-fast path and would only point
 * into the engine.
 */
public class CallNotPermittedException extends ResilienceException {

	private final String state;

	/**
	 * @param circuitBreakerName name of the refusing breaker
	 * @param state name of its state when it refused, such as {@code OPEN}
	 */
	public CallNotPermittedException(String circuitBreakerName, String state) {
		super(circuitBreakerName,
				"CircuitBreaker '" + circuitBreakerName + "' is " + state + " and does not permit calls", false);
		this.state = state;
	}

	/** Name of the breaker's state when it refused the call. */
	public String getState() {
		return this.state;
	}

}
