package dev.resilience.idempotency.internal;

import java.util.Optional;

import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyOutcome;
import dev.resilience.idempotency.IdempotencyRecord;

/**
 * The store steps of one call, each with the fault handling it promises: a claim that
 * fails refuses the call ({@code STORE_UNAVAILABLE}, the method does not run); completing
 * or releasing is retried a few times, an attempt whose reply was lost is recognised by
 * reading the record back, and a claim that still cannot be completed is left to expire
 * with its lease, so no record ever reads as completed without its result. Stateless
 * beyond its context; thread-safe.
 */
final class StoreOperations {

	/**
	 * Attempts at completing or releasing a claim before it is left to expire with its
	 * lease.
	 */
	static final int STORE_WRITE_ATTEMPTS = 3;

	private final IdempotencyContext context;

	StoreOperations(IdempotencyContext context) {
		this.context = context;
	}

	/** Claims {@code recordId}; a store error is reported and refuses the call. */
	ClaimResult claim(String recordId, String fingerprint) {
		try {
			return this.context.store.claim(recordId, fingerprint, this.context.config.getInProgressTimeout());
		}
		catch (RuntimeException ex) {
			this.context.publish(IdempotencyOutcome.STORE_UNAVAILABLE);
			throw this.context.unavailable("claim", ex);
		}
	}

	/**
	 * Completes the claim, retrying a store error a few times. Whatever the outcome the
	 * lease is no longer renewed: a claim that could not be completed expires with it, so
	 * the key can run again later, and no record ever reads as completed without its
	 * result.
	 */
	IdempotencyOutcome complete(Lease lease, byte[] encoded) {
		lease.settle();
		try {
			long pause = IdempotencyContext.INITIAL_POLL_NANOS;
			for (int attempt = 1;; attempt++) {
				try {
					if (this.context.store.complete(lease.recordId, lease.token, encoded,
							this.context.config.getTtl())) {
						return IdempotencyOutcome.EXECUTED;
					}
					// an earlier attempt may have been applied with only its reply lost
					if (attempt > 1 && isCompletedUnder(lease)) {
						return IdempotencyOutcome.EXECUTED;
					}
					lease.lost();
					return IdempotencyOutcome.LEASE_LOST;
				}
				catch (RuntimeException ex) {
					if (attempt >= STORE_WRITE_ATTEMPTS || !this.context.pause(pause)) {
						return IdempotencyOutcome.STORE_UNAVAILABLE;
					}
					pause *= 2;
				}
			}
		}
		finally {
			lease.end();
		}
	}

	/**
	 * Releases the claim, retrying a store error a few times; the last store error is
	 * attached to {@code failure} when there is one.
	 */
	IdempotencyOutcome release(Lease lease, Throwable failure) {
		lease.settle();
		try {
			long pause = IdempotencyContext.INITIAL_POLL_NANOS;
			for (int attempt = 1;; attempt++) {
				try {
					if (this.context.store.release(lease.recordId, lease.token)) {
						return IdempotencyOutcome.EXECUTED;
					}
					// an earlier attempt may have been applied with only its reply lost
					if (attempt > 1 && isAbsent(lease)) {
						return IdempotencyOutcome.EXECUTED;
					}
					lease.lost();
					return IdempotencyOutcome.LEASE_LOST;
				}
				catch (RuntimeException ex) {
					if (attempt >= STORE_WRITE_ATTEMPTS || !this.context.pause(pause)) {
						if (failure != null) {
							failure.addSuppressed(this.context.unavailable("release", ex));
						}
						return IdempotencyOutcome.STORE_UNAVAILABLE;
					}
					pause *= 2;
				}
			}
		}
		finally {
			lease.end();
		}
	}

	private boolean isCompletedUnder(Lease lease) {
		try {
			Optional<IdempotencyRecord> record = this.context.store.find(lease.recordId);
			return record.isPresent() && record.get().state() == IdempotencyRecord.State.COMPLETED
					&& lease.token.equals(record.get().leaseToken());
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private boolean isAbsent(Lease lease) {
		try {
			return this.context.store.find(lease.recordId).isEmpty();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
