package dev.resilience.retry.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.Ticker;
import dev.resilience.retry.RetryConfig.BudgetConfig;

/**
 * The retry budget of one {@code Retry}, shared by all its calls: every call deposits, every retry
 * withdraws, and a retry is allowed while the retries in the last window stay below
 * {@code max(ratio * calls in the window, minRetriesPerSecond * window seconds)}.
 * <p>
 * The window is a ring of at most {@value #MAX_BUCKETS} buckets (one per second for windows up to
 * a minute), each tagged with the time slot it counts, rolled lazily by whoever first touches a
 * stale bucket. A deposit is one ticker read and one {@link LongAdder} increment: lock-free, and
 * allocation-free except for one bucket per slot when time moves on. A withdrawal sums the ring
 * and takes its token with a compare-and-set on the current bucket's retry count, so concurrent
 * retries can never take more tokens than the bound allows within a slot.
 * <p>
 * Thread-safe. Counts of a bucket that expires while a slow thread still holds it are lost, which
 * only ever errs on the side of counting fewer calls; a window therefore reaches back between
 * {@code window - slot} and {@code window}.
 */
final class RetryBudget {

	static final int MAX_BUCKETS = 60;

	private static final long NANOS_PER_SECOND = 1_000_000_000L;

	private final Ticker ticker;

	private final double ratio;

	private final double minRetriesPerWindow;

	private final long slotNanos;

	private final int bucketCount;

	private final AtomicReferenceArray<Bucket> buckets;

	RetryBudget(BudgetConfig config, Ticker ticker) {
		this.ticker = ticker;
		this.ratio = config.getRatio();
		long windowNanos = saturatedNanos(config.getWindow());
		this.minRetriesPerWindow = config.getMinRetriesPerSecond() * (windowNanos / (double) NANOS_PER_SECOND);
		long seconds = (windowNanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
		this.bucketCount = (int) Math.max(1, Math.min(MAX_BUCKETS, seconds));
		this.slotNanos = (windowNanos + this.bucketCount - 1) / this.bucketCount;
		this.buckets = new AtomicReferenceArray<>(this.bucketCount);
		long slot = slotOf(ticker.read());
		for (int i = 0; i < this.bucketCount; i++) {
			// Stale tags, so that the first touch of each index rolls it.
			this.buckets.set(i, new Bucket(slot - this.bucketCount - 1));
		}
	}

	/** Records a call. */
	void deposit() {
		bucket(slotOf(this.ticker.read())).calls.increment();
	}

	/** Takes one retry token if the budget allows it. */
	boolean tryWithdraw() {
		long slot = slotOf(this.ticker.read());
		Bucket current = bucket(slot);
		while (true) {
			long calls = 0;
			long otherRetries = 0;
			for (int i = 0; i < this.bucketCount; i++) {
				Bucket bucket = this.buckets.get(i);
				if (bucket != current && bucket.slot > slot - this.bucketCount && bucket.slot <= slot) {
					calls += bucket.calls.sum();
					otherRetries += bucket.retries.get();
				}
			}
			calls += current.calls.sum();
			long retries = current.retries.get();
			double allowed = Math.max(this.ratio * calls, this.minRetriesPerWindow);
			if (otherRetries + retries >= allowed) {
				return false;
			}
			if (current.retries.compareAndSet(retries, retries + 1)) {
				return true;
			}
		}
	}

	private long slotOf(long nanos) {
		return Math.floorDiv(nanos, this.slotNanos);
	}

	private Bucket bucket(long slot) {
		int index = (int) Math.floorMod(slot, (long) this.bucketCount);
		while (true) {
			Bucket bucket = this.buckets.get(index);
			// A newer tag means another thread has already moved on; counting there is harmless.
			if (bucket.slot >= slot) {
				return bucket;
			}
			Bucket fresh = new Bucket(slot);
			if (this.buckets.compareAndSet(index, bucket, fresh)) {
				return fresh;
			}
		}
	}

	private static long saturatedNanos(Duration duration) {
		return (duration.getSeconds() >= Long.MAX_VALUE / NANOS_PER_SECOND / 2) ? Long.MAX_VALUE / 2
				: duration.toNanos();
	}

	private static final class Bucket {

		final long slot;

		final LongAdder calls = new LongAdder();

		final AtomicLong retries = new AtomicLong();

		Bucket(long slot) {
			this.slot = slot;
		}

	}

}
