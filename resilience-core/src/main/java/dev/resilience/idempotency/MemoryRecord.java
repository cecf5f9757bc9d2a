package dev.resilience.idempotency;

import java.util.Comparator;

/**
 * One record of a {@link MemoryIdempotencyStore}: in progress while {@code result} is
 * null, completed otherwise. Immutable; the store replaces a record instead of changing
 * it.
 */
final class MemoryRecord {

	/**
	 * The record to expire or evict first at the head: the earliest deadline, then the
	 * oldest.
	 */
	static final Comparator<MemoryRecord> BY_DEADLINE = (left, right) -> {
		int byTime = Long.signum(left.retainUntil - right.retainUntil);
		return (byTime != 0) ? byTime : Long.compare(left.sequence, right.sequence);
	};

	final String recordId;

	final String fingerprint;

	final String leaseToken;

	final byte[] result;

	/** Ticker time at which the lease (in progress) or the ttl (completed) ends. */
	final long expiresAt;

	/**
	 * Ticker time at which the store drops the entry. An expired claim is kept for
	 * another lease so that the next claim can tell a takeover from a fresh start.
	 */
	final long retainUntil;

	/** Order of creation, to break ties between equal deadlines. */
	final long sequence;

	MemoryRecord(String recordId, String fingerprint, String leaseToken, byte[] result, long expiresAt,
			long retainUntil, long sequence) {
		this.recordId = recordId;
		this.fingerprint = fingerprint;
		this.leaseToken = leaseToken;
		this.result = result;
		this.expiresAt = expiresAt;
		this.retainUntil = retainUntil;
		this.sequence = sequence;
	}

	boolean isLive(long now) {
		return this.expiresAt - now > 0;
	}

	boolean isLeasedBy(String token, long now) {
		return this.result == null && this.leaseToken.equals(token) && isLive(now);
	}

}
