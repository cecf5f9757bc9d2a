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
 * packed field would hold; a reader may therefore see the failed count of one moment and the
 * call count of the next, off by the calls being recorded. Rates are clamped to {@code [0, 100]}.
 */
final class TimeBasedSlidingWindow extends SlidingWindow {

	private static final long NANOS_PER_SECOND = 1_000_000_000L;

	private static final int CALLS = 0;

	private static final int FAILED = 1;

	private static final int SLOW = 2;

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
		boolean failed = outcome.isFailure();
		boolean slow = outcome.isSlow();
		// Calls before failed and slow, and the reverse on expiry, so a reader rarely sees more
		// failures than calls.
		this.buckets.getAndIncrement(base + CALLS);
		long calls = this.totalCalls.incrementAndGet();
		if (failed) {
			this.buckets.getAndIncrement(base + FAILED);
			this.totalFailed.incrementAndGet();
		}
		if (slow) {
			this.buckets.getAndIncrement(base + SLOW);
			this.totalSlow.incrementAndGet();
		}
		return this.thresholds.openingReason(calls, this.totalFailed.get(), this.totalSlow.get());
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
		long failed = this.totalFailed.get();
		return this.thresholds.rate(this.totalCalls.get(), failed);
	}

	@Override
	public float slowCallRate() {
		expireOldBuckets();
		long slow = this.totalSlow.get();
		return this.thresholds.rate(this.totalCalls.get(), slow);
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
			long first = Math.max(head + 1, second - this.size + 1);
			for (long expired = first; expired <= second; expired++) {
				int base = 3 * index(expired);
				this.totalFailed.addAndGet(-this.buckets.getAndSet(base + FAILED, 0));
				this.totalSlow.addAndGet(-this.buckets.getAndSet(base + SLOW, 0));
				this.totalCalls.addAndGet(-this.buckets.getAndSet(base + CALLS, 0));
			}
			this.headSecond = second;
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
