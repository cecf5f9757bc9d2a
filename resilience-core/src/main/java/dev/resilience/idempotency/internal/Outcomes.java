package dev.resilience.idempotency.internal;

import dev.resilience.fallback.FallbackAnswer;
import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyConfig.OnInProgress;
import dev.resilience.idempotency.IdempotencyInProgressException;
import dev.resilience.idempotency.IdempotencyKeyReusedException;
import dev.resilience.idempotency.IdempotencyOutcome;
import dev.resilience.idempotency.IdempotencyResultException;
import dev.resilience.idempotency.ResultCodec;

/**
 * How a call ends, the same on both paths: a replayed result, a refused key reuse or
 * in-progress repeat, a result stored (or a degraded answer released) after the method
 * ran, a claim released after it failed. Each ending reports exactly one
 * {@link IdempotencyOutcome}. Thread-safe.
 */
final class Outcomes {

	final IdempotencyContext context;

	final StoreOperations store;

	Outcomes(IdempotencyContext context, StoreOperations store) {
		this.context = context;
		this.store = store;
	}

	/**
	 * The stored result of a completed record, after checking that the key is not reused.
	 */
	Object replay(ClaimResult.Completed completed, String fingerprint, ResultCodec codec) {
		checkFingerprint(completed.fingerprint(), fingerprint);
		Object result;
		try {
			result = codec.decode(completed.result());
		}
		catch (Exception ex) {
			throw new IdempotencyResultException(this.context.name,
					"the stored result cannot be read as the method's return type: " + ex.getMessage(), ex);
		}
		this.context.publish(IdempotencyOutcome.REPLAYED);
		return result;
	}

	/** Refuses a key used again with other arguments. */
	void checkFingerprint(String stored, String fingerprint) {
		if (!fingerprint.equals(stored)) {
			this.context.publish(IdempotencyOutcome.KEY_REUSED);
			throw new IdempotencyKeyReusedException(this.context.name);
		}
	}

	/**
	 * The refusal of a repeat while the record is in progress, reported;
	 * {@code interrupt} may be null.
	 */
	IdempotencyInProgressException inProgress(InterruptedException interrupt) {
		this.context.publish(IdempotencyOutcome.IN_PROGRESS);
		if (interrupt != null) {
			return new IdempotencyInProgressException(this.context.name,
					"; waiting for its result was interrupted; retry later", interrupt);
		}
		String detail = (this.context.config.getOnInProgress() == OnInProgress.REJECT) ? "; retry later"
				: " after waiting " + this.context.config.getInProgressWait() + "; retry later";
		return new IdempotencyInProgressException(this.context.name, detail);
	}

	/**
	 * Stores the result of a call that ran under {@code lease} (or, for a degraded answer
	 * that is not to be stored, releases the claim) and returns what the caller gets:
	 * never a {@link FallbackAnswer}.
	 */
	Object finish(Lease lease, Object result, ResultCodec codec) {
		boolean degraded = result instanceof FallbackAnswer;
		Object value = degraded ? ((FallbackAnswer) result).value() : result;
		if (degraded && !this.context.config.isStoreFallbackResults()) {
			this.context.publish(this.store.release(lease, null));
			return value;
		}
		byte[] encoded;
		try {
			encoded = codec.encode(value);
			if (encoded == null) {
				throw new IllegalStateException(codec.getClass().getName() + " encoded a result as null");
			}
		}
		catch (Throwable ex) {
			IdempotencyResultException failure = new IdempotencyResultException(this.context.name,
					"the method ran but its result cannot be stored (" + ex.getMessage()
							+ "); the claim was released so the key can be used again",
					ex);
			releaseAfterFailure(lease, failure);
			throw failure;
		}
		this.context.publish(this.store.complete(lease, encoded));
		return value;
	}

	/**
	 * Releases the claim of a call whose method failed; a store error is attached to
	 * {@code failure}.
	 */
	void releaseAfterFailure(Lease lease, Throwable failure) {
		this.context.publish(this.store.release(lease, failure));
	}

}
