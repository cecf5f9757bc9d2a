package dev.resilience.circuitbreaker.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.CallOutcome;

/**
 * The calls of the last {@code size} seconds, in one bucket per second of ticker time (the second
 * a call is recorded in), plus running totals over all buckets.
 * <p>
 * Recording is lock-free: it adds to the bucket of the current second and to the totals. The
 * first call (or metrics read) of a new second takes a lock to roll the ring forward, subtracting
 * the expired buckets from the totals, so the lock is taken at most once per second however busy
 * the breaker is. Every add to a bucket is mirrored by the same add to the totals and every bucket
 * is cleared by atomically swapping each counter for zero, so the totals equal the sum of the
 * buckets once recording threads are done. A call whose thread stalls across a whole window
 * length between reading the clock and adding is counted in the bucket that replaced its own.
 * <p>
 * Counters are 64-bit and separate, since a busy breaker can record more calls per window than a
 * packed field would hold. To read a consistent snapshot without a lock, a recorder counts the call
 * before its failure and slowness, a reader reads failures and slowness before calls, and a
 * roll-over is bracketed by a version number (odd while rolling) that readers check before and
 * after reading: so a reader never sees a failure without its call, and racing recorders can only
 * make a rate read lower than it is, never higher, delaying an opening to the next recorded call.
 */
final class TimeBasedSlidingWindow extends SlidingWindow {

	private static final long NANOS_PER_SECOND = 1_000_000_000L;

	private static final int CALLS = 0;

	private static final int FAILED = 1;

	private static final int SLOW = 2;

	private static final int MAX_OPTIMISTIC_READS = 64;

	private final Ticker ticker;

	private final int size;

	/** Bucket {@code i} holds its counters at {@code 3i + CALLS}, {@code 3i + FAILED}, {@code 3i + SLOW}. */
	private final AtomicLongArray buckets;

	private final AtomicLong totalCalls = new AtomicLong();

	private final AtomicLong totalFailed = new AtomicLong();

	private final AtomicLong totalSlow = new AtomicLong();

	private final ReentrantLock rollLock = new ReentrantLock();

	/** Latest second the ring holds; buckets hold the seconds {@code (head - size, head]}. */
	private volatile long headSecond;

	/** Incremented before and after each roll-over: odd while one is under way. */
	private volatile long rollVersion;

	TimeBasedSlidingWindow(int sizeInSeconds, Thresholds thresholds, Ticker ticker) {
		super(thresholds);
		if (sizeInSeconds < 1) {
			throw new IllegalArgumentException("time-based sliding window size must be at least 1 but was " + sizeInSeconds);
		}
		this.ticker = ticker;
		this.size = sizeInSeconds;
		this.buckets = new AtomicLongArray(3 * sizeInSeconds);
		this.headSecond = Math.floorDiv(ticker.read(), NANOS_PER_SECOND);
	}

	@Override
	String record(CallOutcome outcome) {
		long second = Math.floorDiv(this.ticker.read(), NANOS_PER_SECOND);
		long head = this.headSecond;
		if (second > head) {
			head = rollTo(second);
		}
		// A clock read that lost a race against a roll-over may name an expired second.
		int base = 3 * index((second > head - this.size) ? second : head);
		this.buckets.getAndIncrement(base + CALLS);
		this.totalCalls.incrementAndGet();
		if (outcome.isFailure()) {
			this.buckets.getAndIncrement(base + FAILED);
			this.totalFailed.incrementAndGet();
		}
		if (outcome.isSlow()) {
			this.buckets.getAndIncrement(base + SLOW);
			this.totalSlow.incrementAndGet();
		}
		for (int attempt = 0;; attempt++) {
			long version = this.rollVersion;
			long failed = this.totalFailed.get();
			long slow = this.totalSlow.get();
			long calls = this.totalCalls.get();
			if ((version & 1) == 0 && version == this.rollVersion) {
				return this.thresholds.openingReason(calls, failed, slow);
			}
			if (attempt == MAX_OPTIMISTIC_READS) {
				return lockedOpeningReason();
			}
			Thread.onSpinWait();
		}
	}

	private String lockedOpeningReason() {
		this.rollLock.lock();
		try {
			long failed = this.totalFailed.get();
			long slow = this.totalSlow.get();
			return this.thresholds.openingReason(this.totalCalls.get(), failed, slow);
		}
		finally {
			this.rollLock.unlock();
		}
	}

	@Override
	public long bufferedCalls() {
		expireOldBuckets();
		return Math.max(0, this.totalCalls.get());
	}

	@Override
	public long failedCalls() {
		expireOldBuckets();
		return Math.max(0, this.totalFailed.get());
	}

	@Override
	public long slowCalls() {
		expireOldBuckets();
		return Math.max(0, this.totalSlow.get());
	}

	@Override
	public float failureRate() {
		expireOldBuckets();
		this.rollLock.lock();
		try {
			long failed = this.totalFailed.get();
			return this.thresholds.rate(this.totalCalls.get(), failed);
		}
		finally {
			this.rollLock.unlock();
		}
	}

	@Override
	public float slowCallRate() {
		expireOldBuckets();
		this.rollLock.lock();
		try {
			long slow = this.totalSlow.get();
			return this.thresholds.rate(this.totalCalls.get(), slow);
		}
		finally {
			this.rollLock.unlock();
		}
	}

	private void expireOldBuckets() {
		long second = Math.floorDiv(this.ticker.read(), NANOS_PER_SECOND);
		if (second > this.headSecond) {
			rollTo(second);
		}
	}

	/** Makes {@code second} the head, clearing the buckets of the seconds that left the window. */
	private long rollTo(long second) {
		this.rollLock.lock();
		try {
			long head = this.headSecond;
			if (second <= head) {
				return head;
			}
			this.rollVersion = this.rollVersion + 1;
			long first = Math.max(head + 1, second - this.size + 1);
			for (long expired = first; expired <= second; expired++) {
				int base = 3 * index(expired);
				this.totalFailed.addAndGet(-this.buckets.getAndSet(base + FAILED, 0));
				this.totalSlow.addAndGet(-this.buckets.getAndSet(base + SLOW, 0));
				this.totalCalls.addAndGet(-this.buckets.getAndSet(base + CALLS, 0));
			}
			this.headSecond = second;
			this.rollVersion = this.rollVersion + 1;
			return second;
		}
		finally {
			this.rollLock.unlock();
		}
	}

	private int index(long second) {
		return (int) Math.floorMod(second, (long) this.size);
	}

}
