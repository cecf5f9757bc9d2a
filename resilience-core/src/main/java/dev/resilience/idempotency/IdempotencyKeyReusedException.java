package dev.resilience.idempotency;

import dev.resilience.ResilienceException;

/**
 * Thrown when a key is used again with a different fingerprint (other arguments) than the
 * call that first used it, whether that call is still running or completed. The method
 * did not run. The message never contains the key or the arguments.
 */
public class IdempotencyKeyReusedException extends ResilienceException {

	public IdempotencyKeyReusedException(String instanceName) {
		super(instanceName, "Idempotency '" + instanceName
				+ "': the key was already used with different arguments; use a new key for a different request");
	}

}
