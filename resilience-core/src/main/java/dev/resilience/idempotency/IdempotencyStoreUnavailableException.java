package dev.resilience.idempotency;

import dev.resilience.ResilienceException;

/**
 * Thrown when the idempotency store cannot be reached or fails an operation. Idempotency
 * fails closed: a call whose claim could not be stored does not run.
 * <p>
 * Stores raise it without an instance name ({@link #forStore}), since one store serves
 * many instances; the executor rethrows it under the instance's name with the store's
 * failure as cause.
 */
public class IdempotencyStoreUnavailableException extends ResilienceException {

	public IdempotencyStoreUnavailableException(String instanceName, String message, Throwable cause) {
		super(instanceName, message, cause);
	}

	/**
	 * For store implementations.
	 * @param operation what failed, such as {@code "claim"}
	 * @param store what the store is, such as {@code "Redis"}
	 * @param cause the driver's failure
	 */
	public static IdempotencyStoreUnavailableException forStore(String store, String operation, Throwable cause) {
		return new IdempotencyStoreUnavailableException(null, store + " idempotency store failed to " + operation + ": "
				+ ((cause != null) ? cause.getMessage() : "unknown error"), cause);
	}

}
