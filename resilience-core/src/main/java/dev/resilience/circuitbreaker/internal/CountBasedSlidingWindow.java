package dev.resilience.circuitbreaker.internal;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import dev.resilience.circuitbreaker.CallOutcome;

/**
 * The last {@code size} calls. Lock-free: a call takes the next slot of a ring by incrementing a
 * cursor, swaps its outcome into the slot, and adds the difference between what it put there and
 * what it evicted to {@link PackedCounts packed counters} with one atomic add. Every slot write
 * is matched by exactly one counter update, so the counts equal the ring's contents as soon as
 * the recording threads are done, however they interleave; while they are not, each count is off
 * by at most the number of calls being recorded.
 */
final class CountBasedSlidingWindow extends SlidingWindow {

	private final int size;

	private final AtomicIntegerArray slots;

	private final AtomicLong cursor = new AtomicLong();

	private final AtomicLong counts = new AtomicLong();

	CountBasedSlidingWindow(int size, Thresholds thresholds) {
		super(thresholds);
		if (size < 1 || size > PackedCounts.MAX_CALLS) {
			throw new IllegalArgumentException(
					"count-based sliding window size must be in [1, " + PackedCounts.MAX_CALLS + "] but was " + size);
		}
		this.size = size;
		this.slots = new AtomicIntegerArray(size);
	}

	@Override
	String record(CallOutcome outcome) {
		int code = PackedCounts.code(outcome);
		int slot = (int) (this.cursor.getAndIncrement() % this.size);
		int evicted = this.slots.getAndSet(slot, code);
		long delta = PackedCounts.weight(code) - PackedCounts.weight(evicted);
		long packed = (delta != 0) ? this.counts.addAndGet(delta) : this.counts.get();
		return this.thresholds.openingReason(PackedCounts.buffered(packed), PackedCounts.failed(packed),
				PackedCounts.slow(packed));
	}

	@Override
	public long bufferedCalls() {
		return Math.max(0, PackedCounts.buffered(this.counts.get()));
	}

	@Override
	public long failedCalls() {
		return Math.max(0, PackedCounts.failed(this.counts.get()));
	}

	@Override
	public long slowCalls() {
		return Math.max(0, PackedCounts.slow(this.counts.get()));
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
