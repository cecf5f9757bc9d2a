package dev.resilience.circuitbreaker.internal;

import java.util.concurrent.atomic.AtomicLong;

import dev.resilience.circuitbreaker.CallOutcome;

/**
 * Outcomes of the trial calls of a half-open breaker: the first {@code permitted} recorded calls
 * count, later ones (calls admitted before the breaker opened that end late) are dropped. Counts
 * are {@link PackedCounts packed} and added by compare-and-set, so exactly one recording sees the
 * last trial call counted, with the counts of all of them.
 */
final class TrialCalls implements CallCounts {

	/** Returned by {@link #record} when every trial call was already counted. */
	static final long FULL = Long.MIN_VALUE;

	private final int permitted;

	private final Thresholds thresholds;

	private final AtomicLong counts = new AtomicLong();

	TrialCalls(int permitted, Thresholds thresholds) {
		if (permitted < 1 || permitted > PackedCounts.MAX_CALLS) {
			throw new IllegalArgumentException("permitted number of calls in half-open state must be in [1, "
					+ PackedCounts.MAX_CALLS + "] but was " + permitted);
		}
		this.permitted = permitted;
		this.thresholds = thresholds;
	}

	/** Counts one trial call and returns the packed counts including it, or {@link #FULL}. */
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
