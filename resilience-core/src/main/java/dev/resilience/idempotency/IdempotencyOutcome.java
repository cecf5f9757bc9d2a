package dev.resilience.idempotency;

/** What became of one idempotent call; one outcome is reported per call. */
public enum IdempotencyOutcome {

	/** The method ran (successfully or not) and its claim was completed or released. */
	EXECUTED,

	/** A stored result was returned without running the method. */
	REPLAYED,

	/** Refused because a call with the same key was still running. */
	IN_PROGRESS,

	/** Refused because the key was used before with another fingerprint. */
	KEY_REUSED,

	/** Refused because the key was null, empty, too long or not visible ASCII. */
	INVALID_KEY,

	/**
	 * The method ran but its lease had expired, so its completion or release was dropped.
	 */
	LEASE_LOST,

	/**
	 * The store failed; the call failed closed (or, after the method ran, its result went
	 * unrecorded).
	 */
	STORE_UNAVAILABLE

}
