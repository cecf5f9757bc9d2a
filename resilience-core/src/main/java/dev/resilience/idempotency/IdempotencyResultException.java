package dev.resilience.idempotency;

import dev.resilience.ResilienceException;

/**
 * Thrown when a result cannot be written to or read from the store by the
 * {@link ResultCodec}: a result type the codec cannot serialize, or a stored result that
 * no longer matches the method's return type. When writing fails the claim is released,
 * so nothing is left behind, but the method has run.
 */
public class IdempotencyResultException extends ResilienceException {

	public IdempotencyResultException(String instanceName, String message, Throwable cause) {
		super(instanceName, "Idempotency '" + instanceName + "': " + message, cause);
	}

}
