package dev.resilience.idempotency;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.resilience.Ticker;

import static dev.resilience.internal.Requirements.requireArgument;
import static dev.resilience.internal.Requirements.requireNonNull;
import static dev.resilience.internal.Requirements.requirePositive;

/**
 * {@link IdempotencyStore} in this JVM's heap: the default store, for a single instance.
 * Time is read from the injected {@link Ticker}.
 * <p>
 * Bounded by {@code maximumSize} completed records and by {@code maximumMemory} bytes,
 * counted as each completed record's result plus {@link #RECORD_OVERHEAD_BYTES}. Beyond
 * either bound the completed record that expires soonest is evicted first (with one ttl,
 * the oldest), so the newest results, the ones clients retry, are the last to go; an
 * evicted key could run again. A result that alone exceeds {@code maximumMemory} is not
 * kept, and evicts nothing. Claims in progress are neither counted nor ever evicted: they
 * are bounded by the calls running, and each is dropped one lease after its lease ends
 * (it reads as absent from the lease's end). A completed record is dropped when its ttl
 * has passed.
 * <p>
 * Thread-safe. Every operation, expiry and eviction included, runs under one lock per
 * store, so each transition is one atomic step and the eviction order is exact. The work
 * under the lock is a few map and tree operations, logarithmic in the number of records,
 * with no call out of the store; striping would need a global eviction order anyway. The
 * lock is a {@link ReentrantLock}, not a monitor, so a virtual thread waiting for it does
 * not pin its carrier.
 */
public final class MemoryIdempotencyStore implements IdempotencyStore {

	public static final long DEFAULT_MAXIMUM_SIZE = 100_000;

	/** 64 MB. */
	public static final long DEFAULT_MAXIMUM_MEMORY = 64L * 1024 * 1024;

	/**
	 * Bytes counted for each completed record besides its result: an estimate of what the
	 * record id, fingerprint, lease token and the store's own bookkeeping take on a
	 * 64-bit JVM.
	 */
	public static final int RECORD_OVERHEAD_BYTES = 512;

	private final long maximumSize;

	private final long maximumMemory;

	private final Ticker ticker;

	private final Supplier<String> tokens;

	private final ReentrantLock lock = new ReentrantLock();

	// guarded by lock
	private final Map<String, MemoryRecord> records = new HashMap<>();

	/**
	 * Completed records, the one to evict or expire first at the head. Guarded by lock.
	 */
	private final TreeSet<MemoryRecord> completed = new TreeSet<>(MemoryRecord.BY_DEADLINE);

	/** Claims in progress, the one to drop first at the head. Guarded by lock. */
	private final TreeSet<MemoryRecord> claims = new TreeSet<>(MemoryRecord.BY_DEADLINE);

	// guarded by lock
	private long completedBytes;

	// guarded by lock
	private long sequence;

	public MemoryIdempotencyStore() {
		this(DEFAULT_MAXIMUM_SIZE, DEFAULT_MAXIMUM_MEMORY, Ticker.system());
	}

	public MemoryIdempotencyStore(long maximumSize, Ticker ticker) {
		this(maximumSize, DEFAULT_MAXIMUM_MEMORY, ticker);
	}

	/**
	 * @param maximumSize most completed records kept, at least 1
	 * @param maximumMemory most bytes of completed records kept (results plus
	 * {@link #RECORD_OVERHEAD_BYTES} each), at least one record's overhead
	 */
	public MemoryIdempotencyStore(long maximumSize, long maximumMemory, Ticker ticker) {
		this(maximumSize, maximumMemory, ticker, () -> UUID.randomUUID().toString());
	}

	/**
	 * With lease tokens from {@code tokens}, called under the store's lock; for tests.
	 */
	MemoryIdempotencyStore(long maximumSize, long maximumMemory, Ticker ticker, Supplier<String> tokens) {
		requireArgument(maximumSize >= 1, "maximumSize must be at least 1 but was " + maximumSize);
		requireArgument(maximumMemory >= RECORD_OVERHEAD_BYTES, "maximumMemory must be at least "
				+ RECORD_OVERHEAD_BYTES + " bytes (one record's overhead) but was " + maximumMemory);
		this.maximumSize = maximumSize;
		this.maximumMemory = maximumMemory;
		this.ticker = requireNonNull(ticker, "ticker");
		this.tokens = requireNonNull(tokens, "tokens");
	}

	@Override
	public ClaimResult claim(String recordId, String fingerprint, Duration leaseTimeout) {
		requireNonNull(recordId, "recordId");
		requireNonNull(fingerprint, "fingerprint");
		long leaseNanos = requirePositive(leaseTimeout, "leaseTimeout").toNanos();
		this.lock.lock();
		try {
			long now = expireUpTo();
			MemoryRecord current = this.records.get(recordId);
			if (current != null && current.isLive(now)) {
				return (current.result != null) ? new ClaimResult.Completed(current.fingerprint, current.result.clone())
						: new ClaimResult.InProgress(current.fingerprint);
			}
			// an expired claim is still held for one more lease, so that a takeover can
			// be told
			boolean takenOver = current != null && current.result == null;
			if (current != null) {
				remove(current);
			}
			String token = this.tokens.get();
			add(new MemoryRecord(recordId, fingerprint, token, null, now + leaseNanos, now + 2 * leaseNanos,
					this.sequence++));
			return new ClaimResult.Claimed(token, takenOver);
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public boolean complete(String recordId, String leaseToken, byte[] result, Duration ttl) {
		requireNonNull(result, "result");
		long ttlNanos = requirePositive(ttl, "ttl").toNanos();
		byte[] copy = result.clone();
		this.lock.lock();
		try {
			long now = expireUpTo();
			MemoryRecord current = this.records.get(recordId);
			if (current == null || !current.isLeasedBy(leaseToken, now)) {
				return false;
			}
			remove(current);
			if (weight(copy) <= this.maximumMemory) {
				add(new MemoryRecord(recordId, current.fingerprint, current.leaseToken, copy, now + ttlNanos,
						now + ttlNanos, this.sequence++));
				evictBeyondBounds();
			}
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public boolean renew(String recordId, String leaseToken, Duration leaseTimeout) {
		long leaseNanos = requirePositive(leaseTimeout, "leaseTimeout").toNanos();
		this.lock.lock();
		try {
			long now = expireUpTo();
			MemoryRecord current = this.records.get(recordId);
			if (current == null || !current.isLeasedBy(leaseToken, now)) {
				return false;
			}
			remove(current);
			add(new MemoryRecord(recordId, current.fingerprint, current.leaseToken, null, now + leaseNanos,
					now + 2 * leaseNanos, this.sequence++));
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public boolean release(String recordId, String leaseToken) {
		this.lock.lock();
		try {
			long now = expireUpTo();
			MemoryRecord current = this.records.get(recordId);
			if (current == null || !current.isLeasedBy(leaseToken, now)) {
				return false;
			}
			remove(current);
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public Optional<IdempotencyRecord> find(String recordId) {
		this.lock.lock();
		try {
			long now = expireUpTo();
			MemoryRecord entry = this.records.get(recordId);
			if (entry == null || !entry.isLive(now)) {
				return Optional.empty();
			}
			return Optional.of(new IdempotencyRecord(
					(entry.result != null) ? IdempotencyRecord.State.COMPLETED : IdempotencyRecord.State.IN_PROGRESS,
					entry.fingerprint, entry.leaseToken, (entry.result != null) ? entry.result.clone() : null));
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Number of records held, completed or in progress; for tests and diagnostics. */
	public long estimatedSize() {
		this.lock.lock();
		try {
			expireUpTo();
			return this.records.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Bytes counted against {@code maximumMemory}; for tests and diagnostics. */
	public long memoryUsed() {
		this.lock.lock();
		try {
			expireUpTo();
			return this.completedBytes;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public String toString() {
		return "MemoryIdempotencyStore[maximumSize=" + this.maximumSize + ", maximumMemory=" + this.maximumMemory + "]";
	}

	/** Drops every record whose time is up; returns the time it read. Under the lock. */
	private long expireUpTo() {
		long now = this.ticker.read();
		dropExpired(this.completed, now);
		dropExpired(this.claims, now);
		return now;
	}

	private void dropExpired(TreeSet<MemoryRecord> byDeadline, long now) {
		while (!byDeadline.isEmpty() && byDeadline.first().retainUntil - now <= 0) {
			remove(byDeadline.first());
		}
	}

	private void evictBeyondBounds() {
		while (this.completed.size() > this.maximumSize || this.completedBytes > this.maximumMemory) {
			remove(this.completed.first());
		}
	}

	private void add(MemoryRecord entry) {
		this.records.put(entry.recordId, entry);
		if (entry.result != null) {
			this.completed.add(entry);
			this.completedBytes += weight(entry.result);
		}
		else {
			this.claims.add(entry);
		}
	}

	private void remove(MemoryRecord entry) {
		this.records.remove(entry.recordId);
		if (entry.result != null) {
			this.completed.remove(entry);
			this.completedBytes -= weight(entry.result);
		}
		else {
			this.claims.remove(entry);
		}
	}

	private static long weight(byte[] result) {
		return (long) result.length + RECORD_OVERHEAD_BYTES;
	}

}
