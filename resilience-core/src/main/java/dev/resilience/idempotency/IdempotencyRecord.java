package dev.resilience.idempotency;

/**
 * A live record as read by {@link IdempotencyStore#find}.
 *
 * @param state in progress or completed
 * @param fingerprint fingerprint stored with the claim
 * @param leaseToken token of the current (or completing) claim
 * @param result the stored result; {@code null} while in progress
 */
public record IdempotencyRecord(State state, String fingerprint, String leaseToken, byte[] result) {

	/** States of a live record; an absent record has no state. */
	public enum State {

		IN_PROGRESS, COMPLETED

	}

}
