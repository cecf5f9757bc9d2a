package dev.resilience.idempotency;

import dev.resilience.ResilienceException;

/**
 * Thrown, before anything is stored and without running the method, when the fingerprint
 * of a call cannot be computed from its arguments: the {@code fingerprint} expression
 * fails on them, or they cannot be written as JSON. Everything about the expression that
 * does not depend on the arguments is checked at startup, so what remains is a property
 * of this call's arguments (a missing nested value, a value the JSON writer refuses). The
 * message names the method, never the key or an argument's value.
 */
public class IdempotencyFingerprintException extends ResilienceException {

	public IdempotencyFingerprintException(String instanceName, String message, Throwable cause) {
		super(instanceName, "Idempotency '" + instanceName + "': " + message, cause);
	}

}
