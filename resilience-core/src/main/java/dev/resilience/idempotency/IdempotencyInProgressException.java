package dev.resilience.idempotency;

import dev.resilience.ResilienceException;

/**
 * Thrown when a call arrives with a key whose first call is still running: at once with
 * {@code on-in-progress: reject}, or after {@code in-progress-wait} with {@code wait}.
 * The method did not run for this call; retrying later either replays the result or runs
 * it (if the first call failed). A waiting thread that is interrupted stops waiting with
 * this exception too, its {@link InterruptedException} as the cause and its interrupt
 * flag kept. The message never contains the key.
 */
public class IdempotencyInProgressException extends ResilienceException {

	public IdempotencyInProgressException(String instanceName, String detail) {
		super(instanceName,
				"Idempotency '" + instanceName + "': a call with the same key is still in progress" + detail);
	}

	/**
	 * @param cause why the wait ended early, such as the {@link InterruptedException} of
	 * a waiting thread that was interrupted (which keeps its interrupt flag)
	 */
	public IdempotencyInProgressException(String instanceName, String detail, Throwable cause) {
		super(instanceName,
				"Idempotency '" + instanceName + "': a call with the same key is still in progress" + detail, cause);
	}

}
