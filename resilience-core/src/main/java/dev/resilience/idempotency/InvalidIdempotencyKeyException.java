package dev.resilience.idempotency;

import dev.resilience.ResilienceException;

/**
 * Thrown, before anything is stored, for a key that is null, empty, longer than
 * {@code max-key-length}, or contains a character outside visible ASCII ({@code !} to
 * {@code ~}). The message says which rule was broken without quoting the key.
 */
public class InvalidIdempotencyKeyException extends ResilienceException {

	private final String reason;

	public InvalidIdempotencyKeyException(String instanceName, String reason) {
		super(instanceName, "Idempotency '" + instanceName + "': invalid idempotency key: " + reason
				+ " (a key must be 1 to max-key-length visible ASCII characters)");
		this.reason = reason;
	}

	/**
	 * @param cause why the key could not be had, such as the failure of the expression
	 * computing it; kept out of the reason, which may reach an HTTP response
	 */
	public InvalidIdempotencyKeyException(String instanceName, String reason, Throwable cause) {
		this(instanceName, reason);
		initCause(cause);
	}

	/**
	 * Which rule the key broke, such as {@code "is too long (300 > 255 characters)"};
	 * never the key itself.
	 */
	public String getReason() {
		return this.reason;
	}

}
