package dev.resilience.circuitbreaker.internal;

import dev.resilience.circuitbreaker.CallOutcome;

/**
 * The last {@code size} calls, in a ring of outcome codes with their {@link PackedCounts
 * packed} counts.
 * <p>
 * Linearizable. Recording takes a lock for a few plain writes (the slot, the cursor, the
 * counts, the breaker's {@link CallTotals totals}) and computes its verdict from the
 * counts its own update produced, so every verdict is that of some order of the calls: a
 * lock-free ring (take a slot, then add the difference) let a call's verdict miss a call
 * ordered before it, or count an eviction whose addition had not landed yet, which a
 * Lincheck run showed. The lock is never held across anything but those writes, so
 * recording never waits long and never blocks while holding a monitor. Reading takes no
 * lock: the counts are one volatile {@code long}, written once per recording.
 */
final class CountBasedSlidingWindow extends SlidingWindow {

	private final int size;

	private final byte[] slots;

	/** Next slot to write; guarded by {@link #lock}. */
	private int cursor;

	/**
	 * Packed counts of the ring's contents; written under {@link #lock}, read without it.
	 */
	private volatile long counts;

	CountBasedSlidingWindow(int size, Thresholds thresholds, CallTotals totals) {
		super(thresholds, totals);
		if (size < 1 || size > PackedCounts.MAX_CALLS) {
			throw new IllegalArgumentException(
					"count-based sliding window size must be in [1, " + PackedCounts.MAX_CALLS + "] but was " + size);
		}
		this.size = size;
		this.slots = new byte[size];
	}

	@Override
	String record(CallOutcome outcome, long durationNanos, Thresholds thresholds) {
		int code = PackedCounts.code(outcome);
		long packed;
		acquire(this.lock);
		try {
			int slot = this.cursor;
			int evicted = this.slots[slot];
			this.slots[slot] = (byte) code;
			this.cursor = (slot + 1 == this.size) ? 0 : slot + 1;
			packed = this.counts + PackedCounts.weight(code) - PackedCounts.weight(evicted);
			this.counts = packed;
			this.totals.addLocked(outcome, durationNanos);
		}
		finally {
			this.lock.unlock();
		}
		return thresholds.openingReason(PackedCounts.buffered(packed), PackedCounts.failed(packed),
				PackedCounts.slow(packed));
	}

	/** Calls held, or seconds covered when time-based. */
	int size() {
		return this.size;
	}

	@Override
	public long bufferedCalls() {
		return PackedCounts.buffered(this.counts);
	}

	@Override
	public long failedCalls() {
		return PackedCounts.failed(this.counts);
	}

	@Override
	public long slowCalls() {
		return PackedCounts.slow(this.counts);
	}

	@Override
	public float failureRate() {
		long packed = this.counts;
		return this.thresholds.rate(PackedCounts.buffered(packed), PackedCounts.failed(packed));
	}

	@Override
	public float slowCallRate() {
		long packed = this.counts;
		return this.thresholds.rate(PackedCounts.buffered(packed), PackedCounts.slow(packed));
	}

}
