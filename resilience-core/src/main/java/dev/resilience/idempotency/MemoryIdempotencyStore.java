package dev.resilience.idempotency;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import dev.resilience.Ticker;

import static dev.resilience.internal.Requirements.requireArgument;
import static dev.resilience.internal.Requirements.requireNonNull;
import static dev.resilience.internal.Requirements.requirePositive;

/**
 * {@link IdempotencyStore} in this JVM's heap, on a Caffeine cache: the default store, for a
 * single instance. Each transition is one {@code compute} on the cache's map, so it is atomic per
 * record; time is read from the injected {@link Ticker}.
 * <p>
 * Bounded by {@code maximumSize} completed records: beyond it the least valuable completed
 * records are evicted (their keys could then run again). Claims in progress weigh nothing, so they
 * are never evicted for size. A completed record is dropped when its ttl has passed, an
 * unfinished claim one lease after its lease has passed (it reads as absent from the lease's end).
 * Thread-safe.
 */
public final class MemoryIdempotencyStore implements IdempotencyStore {

	public static final long DEFAULT_MAXIMUM_SIZE = 100_000;

	private final Ticker ticker;

	private final Cache<String, Entry> cache;

	public MemoryIdempotencyStore() {
		this(DEFAULT_MAXIMUM_SIZE, Ticker.system());
	}

	public MemoryIdempotencyStore(long maximumSize, Ticker ticker) {
		requireArgument(maximumSize >= 1, "maximumSize must be at least 1 but was " + maximumSize);
		this.ticker = requireNonNull(ticker, "ticker");
		this.cache = Caffeine.newBuilder()
			.maximumWeight(maximumSize)
			.weigher((String id, Entry entry) -> (entry.result == null) ? 0 : 1)
			.expireAfter(new EntryExpiry())
			.ticker(ticker::read)
			.executor(Runnable::run)
			.build();
	}

	@Override
	public ClaimResult claim(String recordId, String fingerprint, Duration leaseTimeout) {
		requireNonNull(fingerprint, "fingerprint");
		long leaseNanos = requirePositive(leaseTimeout, "leaseTimeout").toNanos();
		ClaimResult[] outcome = new ClaimResult[1];
		this.cache.asMap().compute(recordId, (id, current) -> {
			long now = this.ticker.read();
			boolean takenOver = false;
			if (current != null) {
				if (current.isLive(now)) {
					outcome[0] = (current.result != null) ? new ClaimResult.Completed(current.fingerprint, current.result)
							: new ClaimResult.InProgress(current.fingerprint);
					return current;
				}
				takenOver = current.result == null;
			}
			String token = UUID.randomUUID().toString();
			outcome[0] = new ClaimResult.Claimed(token, takenOver);
			return new Entry(fingerprint, token, null, now + leaseNanos, now + 2 * leaseNanos);
		});
		return outcome[0];
	}

	@Override
	public boolean complete(String recordId, String leaseToken, byte[] result, Duration ttl) {
		requireNonNull(result, "result");
		long ttlNanos = requirePositive(ttl, "ttl").toNanos();
		boolean[] done = new boolean[1];
		this.cache.asMap().computeIfPresent(recordId, (id, current) -> {
			long now = this.ticker.read();
			if (!current.isLeasedBy(leaseToken, now)) {
				return current;
			}
			done[0] = true;
			return new Entry(current.fingerprint, current.leaseToken, result.clone(), now + ttlNanos, now + ttlNanos);
		});
		return done[0];
	}

	@Override
	public boolean renew(String recordId, String leaseToken, Duration leaseTimeout) {
		long leaseNanos = requirePositive(leaseTimeout, "leaseTimeout").toNanos();
		boolean[] done = new boolean[1];
		this.cache.asMap().computeIfPresent(recordId, (id, current) -> {
			long now = this.ticker.read();
			if (!current.isLeasedBy(leaseToken, now)) {
				return current;
			}
			done[0] = true;
			return new Entry(current.fingerprint, current.leaseToken, null, now + leaseNanos, now + 2 * leaseNanos);
		});
		return done[0];
	}

	@Override
	public boolean release(String recordId, String leaseToken) {
		boolean[] done = new boolean[1];
		this.cache.asMap().computeIfPresent(recordId, (id, current) -> {
			if (!current.isLeasedBy(leaseToken, this.ticker.read())) {
				return current;
			}
			done[0] = true;
			return null;
		});
		return done[0];
	}

	@Override
	public Optional<IdempotencyRecord> find(String recordId) {
		Entry entry = this.cache.getIfPresent(recordId);
		if (entry == null || !entry.isLive(this.ticker.read())) {
			return Optional.empty();
		}
		return Optional.of(new IdempotencyRecord(
				(entry.result != null) ? IdempotencyRecord.State.COMPLETED : IdempotencyRecord.State.IN_PROGRESS,
				entry.fingerprint, entry.leaseToken, (entry.result != null) ? entry.result.clone() : null));
	}

	/** Number of records held, live or not yet cleaned up; for tests and diagnostics. */
	public long estimatedSize() {
		this.cache.cleanUp();
		return this.cache.estimatedSize();
	}

	@Override
	public String toString() {
		return "MemoryIdempotencyStore[" + this.cache.policy().eviction().map((e) -> e.getMaximum()).orElse(-1L) + " max]";
	}

	/** A record: in progress while {@code result} is null, completed otherwise. Immutable. */
	private static final class Entry {

		final String fingerprint;

		final String leaseToken;

		final byte[] result;

		/** Ticker time at which the lease (in progress) or the ttl (completed) ends. */
		final long expiresAt;

		/**
		 * Ticker time at which Caffeine drops the entry. An expired claim is kept for another lease
		 * so that the next claim can tell a takeover from a fresh start.
		 */
		final long retainUntil;

		Entry(String fingerprint, String leaseToken, byte[] result, long expiresAt, long retainUntil) {
			this.fingerprint = fingerprint;
			this.leaseToken = leaseToken;
			this.result = result;
			this.expiresAt = expiresAt;
			this.retainUntil = retainUntil;
		}

		boolean isLive(long now) {
			return this.expiresAt - now > 0;
		}

		boolean isLeasedBy(String token, long now) {
			return this.result == null && this.leaseToken.equals(token) && isLive(now);
		}

	}

	/** Lets Caffeine drop a record at the end of its lease or ttl. */
	private static final class EntryExpiry implements Expiry<String, Entry> {

		@Override
		public long expireAfterCreate(String key, Entry entry, long currentTime) {
			return Math.max(0, entry.retainUntil - currentTime);
		}

		@Override
		public long expireAfterUpdate(String key, Entry entry, long currentTime, long currentDuration) {
			return Math.max(0, entry.retainUntil - currentTime);
		}

		@Override
		public long expireAfterRead(String key, Entry entry, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

}
