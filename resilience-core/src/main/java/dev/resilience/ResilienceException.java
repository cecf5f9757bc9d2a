package dev.resilience;

/**
 * Root of every exception the starter throws that a caller may want to catch. Each
 * carries the name of the instance (breaker, bulkhead, idempotency namespace) that raised
 * it.
 */
public class ResilienceException extends RuntimeException {

	private final String instanceName;

	protected ResilienceException(String instanceName, String message) {
		super(message);
		this.instanceName = instanceName;
	}

	protected ResilienceException(String instanceName, String message, Throwable cause) {
		super(message, cause);
		this.instanceName = instanceName;
	}

	/**
	 * For exceptions raised on the fast path (an open breaker, a full bulkhead): no stack
	 * trace is filled in, since it would only ever point at the engine and costs
	 * microseconds per refusal.
	 */
	protected ResilienceException(String instanceName, String message, boolean writableStackTrace) {
		super(message, null, false, writableStackTrace);
		this.instanceName = instanceName;
	}

	/** Name of the instance that raised this exception. */
	public String getInstanceName() {
		return this.instanceName;
	}

}
