package dev.resilience.idempotency;

import java.time.Duration;
import java.util.Optional;

/**
 * Where idempotency records live. A record moves
 * {@code ABSENT -> IN_PROGRESS(lease token) -> COMPLETED -> (ttl) ABSENT}, or back to
 * {@code ABSENT} on release, or to {@code IN_PROGRESS} with a new token when its lease
 * expired.
 * <p>
 * Contract every implementation keeps (checked by the shared contract test suite):
 * <ul>
 * <li>Each method is one atomic operation on the store, timed by the store's own clock
 * (Redis {@code TIME}, the database's {@code now()}, the injected ticker in memory),
 * never by the caller's.</li>
 * <li>A lease lasts {@code leaseTimeout} from its claim. Once it has passed, the claim is
 * lost whether or not anyone took it over: {@link #complete} and {@link #release} with
 * its token return {@code false} and change nothing, and {@link #claim} may take the
 * record over.</li>
 * <li>A completed record lives for {@code ttl} from its completion, then reads as
 * absent.</li>
 * <li>Failures to reach the store surface as
 * {@link IdempotencyStoreUnavailableException}.</li>
 * </ul>
 * Implementations are thread-safe and may be shared by many idempotency instances: record
 * ids already carry the instance name and key prefix.
 */
public interface IdempotencyStore {

	/**
	 * Claims the record for a new call unless a live record exists.
	 * @param recordId hashed record id (at most 64 characters of {@code [0-9a-f]})
	 * @param fingerprint fingerprint of the call's arguments, stored with the claim
	 * @param leaseTimeout how long the claim holds before another call may take it over
	 * @return {@link ClaimResult.Claimed} with a fresh lease token if the record was
	 * absent, expired, or held by an expired lease; otherwise the live record's state
	 */
	ClaimResult claim(String recordId, String fingerprint, Duration leaseTimeout);

	/**
	 * Stores the result and turns the claim into a completed record living for
	 * {@code ttl}.
	 * @return {@code false}, changing nothing, when the record is not in progress under
	 * this token with a live lease (the caller lost its lease)
	 */
	boolean complete(String recordId, String leaseToken, byte[] result, Duration ttl);

	/**
	 * Extends a live lease to {@code leaseTimeout} from now, by the store's clock, so
	 * that a call still running is not taken over.
	 * @return {@code false}, changing nothing, when the record is not in progress under
	 * this token with a live lease (the lease was already lost)
	 */
	boolean renew(String recordId, String leaseToken, Duration leaseTimeout);

	/**
	 * Removes the claim so a later call may run.
	 * @return {@code false}, changing nothing, when the record is not in progress under
	 * this token with a live lease
	 */
	boolean release(String recordId, String leaseToken);

	/** The live record, if any: expired records and expired leases read as absent. */
	Optional<IdempotencyRecord> find(String recordId);

}
