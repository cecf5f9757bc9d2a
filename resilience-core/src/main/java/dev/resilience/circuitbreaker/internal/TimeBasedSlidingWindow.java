package dev.resilience.circuitbreaker.internal;

import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.CallOutcome;

/**
 * The calls of the last {@code size} seconds, in one bucket per second of ticker time
 * (the second a call is recorded in), plus running totals over all buckets.
 * <p>
 * Linearizable. Recording takes a lock for a few plain writes: it rolls the ring forward
 * when a new second has begun (subtracting the expired buckets from the totals in one
 * step per total), adds to the bucket of the current second and to the totals, and
 * computes its verdict from the totals its own update produced. A lock-free version let a
 * verdict see another thread's call half-counted (its call but not yet its failure), or
 * count calls ordered after it, which a Lincheck run showed. The lock is never held
 * across anything but those writes, so recording never waits long and never blocks while
 * holding a monitor.
 * <p>
 * Getters read under the lock too, after rolling the ring forward if a new second has
 * begun (so an idle window still forgets old calls). A getter reading its total without
 * the lock could see a call in the calls but not yet in the failures, so that
 * {@code bufferedCalls()} then {@code failedCalls()} contradicted every order of the
 * calls (a Lincheck run found 3 calls followed by 0 failures while a failed call was
 * being recorded); the totals are three fields, not one packed word as in the count-based
 * window. Counters are 64-bit, since a busy breaker can record more calls per window than
 * a packed field would hold.
 */
final class TimeBasedSlidingWindow extends SlidingWindow {

	private static final long NANOS_PER_SECOND = 1_000_000_000L;

	private static final int CALLS = 0;

	private static final int FAILED = 1;

	private static final int SLOW = 2;

	private final Ticker ticker;

	private final int size;

	/**
	 * Bucket {@code i} holds its counters at {@code 3i + CALLS}, {@code 3i + FAILED},
	 * {@code 3i + SLOW}.
	 */
	private final long[] buckets;

	/** Guarded by {@link #lock}, like the totals below. */
	private long totalCalls;

	private long totalFailed;

	private long totalSlow;

	/**
	 * Latest second the ring holds; buckets hold the seconds {@code (head - size, head]}.
	 */
	private long headSecond;

	TimeBasedSlidingWindow(int sizeInSeconds, Thresholds thresholds, Ticker ticker, CallTotals totals) {
		super(thresholds, totals);
		if (sizeInSeconds < 1) {
			throw new IllegalArgumentException(
					"time-based sliding window size must be at least 1 but was " + sizeInSeconds);
		}
		this.ticker = ticker;
		this.size = sizeInSeconds;
		this.buckets = new long[3 * sizeInSeconds];
		this.headSecond = Math.floorDiv(ticker.read(), NANOS_PER_SECOND);
	}

	@Override
	String record(CallOutcome outcome, long durationNanos, Thresholds thresholds) {
		long calls;
		long failed;
		long slow;
		acquire(this.lock);
		try {
			// Read under the lock, so that the seconds recorded never go backwards.
			long second = Math.floorDiv(this.ticker.read(), NANOS_PER_SECOND);
			long head = rollToLocked(second);
			int base = 3 * index(Math.max(second, head));
			this.buckets[base + CALLS]++;
			calls = this.totalCalls + 1;
			this.totalCalls = calls;
			failed = this.totalFailed;
			if (outcome.isFailure()) {
				this.buckets[base + FAILED]++;
				failed++;
				this.totalFailed = failed;
			}
			slow = this.totalSlow;
			if (outcome.isSlow()) {
				this.buckets[base + SLOW]++;
				slow++;
				this.totalSlow = slow;
			}
			this.totals.addLocked(outcome, durationNanos);
		}
		finally {
			this.lock.unlock();
		}
		return thresholds.openingReason(calls, failed, slow);
	}

	/** Calls held, or seconds covered when time-based. */
	int size() {
		return this.size;
	}

	@Override
	public long bufferedCalls() {
		acquire(this.lock);
		try {
			rollToLocked(Math.floorDiv(this.ticker.read(), NANOS_PER_SECOND));
			return this.totalCalls;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public long failedCalls() {
		acquire(this.lock);
		try {
			rollToLocked(Math.floorDiv(this.ticker.read(), NANOS_PER_SECOND));
			return this.totalFailed;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public long slowCalls() {
		acquire(this.lock);
		try {
			rollToLocked(Math.floorDiv(this.ticker.read(), NANOS_PER_SECOND));
			return this.totalSlow;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public float failureRate() {
		acquire(this.lock);
		try {
			rollToLocked(Math.floorDiv(this.ticker.read(), NANOS_PER_SECOND));
			return this.thresholds.rate(this.totalCalls, this.totalFailed);
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public float slowCallRate() {
		acquire(this.lock);
		try {
			rollToLocked(Math.floorDiv(this.ticker.read(), NANOS_PER_SECOND));
			return this.thresholds.rate(this.totalCalls, this.totalSlow);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Makes {@code second} the head if it is later, clearing the buckets of the seconds
	 * that left the window.
	 * @return the head after rolling
	 */
	private long rollToLocked(long second) {
		long head = this.headSecond;
		if (second <= head) {
			return head;
		}
		long expiredCalls = 0;
		long expiredFailed = 0;
		long expiredSlow = 0;
		long first = Math.max(head + 1, second - this.size + 1);
		for (long expired = first; expired <= second; expired++) {
			int base = 3 * index(expired);
			expiredCalls += this.buckets[base + CALLS];
			expiredFailed += this.buckets[base + FAILED];
			expiredSlow += this.buckets[base + SLOW];
			this.buckets[base + CALLS] = 0;
			this.buckets[base + FAILED] = 0;
			this.buckets[base + SLOW] = 0;
		}
		this.totalCalls = this.totalCalls - expiredCalls;
		this.totalFailed = this.totalFailed - expiredFailed;
		this.totalSlow = this.totalSlow - expiredSlow;
		this.headSecond = second;
		return second;
	}

	private int index(long second) {
		return (int) Math.floorMod(second, (long) this.size);
	}

}
