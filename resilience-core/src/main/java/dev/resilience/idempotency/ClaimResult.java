package dev.resilience.idempotency;

/** Outcome of {@link IdempotencyStore#claim}. */
public sealed interface ClaimResult {

	/**
	 * The caller owns the record and must complete or release it.
	 *
	 * @param leaseToken token to present on completion or release; unique per claim
	 * @param takenOver whether a previous claim's expired lease was taken over
	 */
	record Claimed(String leaseToken, boolean takenOver) implements ClaimResult {
	}

	/** Another call holds a live claim. */
	record InProgress(String fingerprint) implements ClaimResult {
	}

	/** A call completed; {@code result} is the codec's bytes, never {@code null}. */
	record Completed(String fingerprint, byte[] result) implements ClaimResult {
	}

}
