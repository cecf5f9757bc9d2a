package dev.resilience.circuitbreaker.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.resilience.circuitbreaker.CallOutcome;

/**
 * The trial calls of one half-open state: the permits it hands out and the outcomes of
 * the calls that took them. At most {@code permitted} permits are out at once; a permit
 * given back (a call that never ran, or ended with an ignored exception) may be taken
 * again. The first {@code permitted} recorded outcomes count, later ones are dropped.
 * Counts are {@link PackedCounts packed} and added by compare-and-set, so exactly one
 * recording sees the last trial call counted, with the counts of all of them.
 * <p>
 * Lock-free and linearizable: each operation is one read or one compare-and-set of one
 * atomic. It does not know which state a caller was admitted by; the breaker hands a
 * permit back, or records an outcome, only for a call this half-open state admitted.
 */
final class TrialCalls implements CallCounts {

	/** Returned by {@link #record} when every trial call was already counted. */
	static final long FULL = Long.MIN_VALUE;

	private final int permitted;

	private final Thresholds thresholds;

	private final AtomicLong counts = new AtomicLong();

	private final AtomicInteger available;

	TrialCalls(int permitted, Thresholds thresholds) {
		if (permitted < 1 || permitted > PackedCounts.MAX_CALLS) {
			throw new IllegalArgumentException("permitted number of calls in half-open state must be in [1, "
					+ PackedCounts.MAX_CALLS + "] but was " + permitted);
		}
		this.permitted = permitted;
		this.thresholds = thresholds;
		this.available = new AtomicInteger(permitted);
	}

	/** Takes a trial permit; {@code false} when all are out. */
	boolean tryAcquire() {
		for (;;) {
			int free = this.available.get();
			if (free <= 0) {
				return false;
			}
			if (this.available.compareAndSet(free, free - 1)) {
				return true;
			}
		}
	}

	/**
	 * Gives back a permit whose call was not recorded; never more than were handed out.
	 */
	void release() {
		for (;;) {
			int free = this.available.get();
			if (free >= this.permitted) {
				return;
			}
			if (this.available.compareAndSet(free, free + 1)) {
				return;
			}
		}
	}

	/** Permits not taken. */
	int availablePermits() {
		return Math.max(0, this.available.get());
	}

	/**
	 * Counts one trial call and returns the packed counts including it, or {@link #FULL}.
	 */
	long record(CallOutcome outcome) {
		long weight = PackedCounts.weight(outcome);
		for (;;) {
			long packed = this.counts.get();
			if (PackedCounts.buffered(packed) >= this.permitted) {
				return FULL;
			}
			if (this.counts.compareAndSet(packed, packed + weight)) {
				return packed + weight;
			}
		}
	}

	@Override
	public long bufferedCalls() {
		return PackedCounts.buffered(this.counts.get());
	}

	@Override
	public long failedCalls() {
		return PackedCounts.failed(this.counts.get());
	}

	@Override
	public long slowCalls() {
		return PackedCounts.slow(this.counts.get());
	}

	@Override
	public float failureRate() {
		long packed = this.counts.get();
		return this.thresholds.rate(PackedCounts.buffered(packed), PackedCounts.failed(packed));
	}

	@Override
	public float slowCallRate() {
		long packed = this.counts.get();
		return this.thresholds.rate(PackedCounts.buffered(packed), PackedCounts.slow(packed));
	}

}
