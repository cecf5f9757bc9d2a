package dev.resilience.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.Ticker;

/**
 * A budget of extra attempts, shared by all the calls of one policy: every call deposits,
 * every extra attempt (a retry, a hedge) withdraws, and an extra attempt is made only
 * when, counting it, the extra attempts in the window stay at or below
 * {@code max(ratio * calls in the window, minPerSecond * window seconds)} (docs/retry.md,
 * "Retry budget"; docs/hedging.md, "Hedge budget"). So with {@code ratio 0.2} a lone call
 * gets no extra attempt from the ratio: 0.2 are allowed, not one. The comparison is
 * exact: the ratio is taken as the decimal the user wrote ({@code 0.29} allows 29 extra
 * attempts per 100 calls, though {@code 0.29 * 100} is a hair under 29 in binary floating
 * point), and both sides are compared as 128-bit integer products, which cannot overflow.
 * <p>
 * The window is a ring of at most {@value #MAX_BUCKETS} buckets (one per second for
 * windows up to a minute), each tagged with the time slot it counts, rolled lazily by
 * whoever first touches a stale bucket. A deposit is one ticker read and one
 * {@link LongAdder} increment: lock-free, and allocation-free except for one bucket per
 * slot when time moves on. A withdrawal reads the extra attempts, then the calls, and
 * takes its token with a compare-and-set on the current bucket's count; since calls only
 * grow, a refusal is justified by the moment the calls were read and a grant by the
 * moment of the compare-and-set, so within a slot withdrawals and deposits are
 * linearizable and concurrent withdrawals can never take more tokens than the bound
 * allows.
 * <p>
 * Thread-safe. Counts of a bucket that expires while a slow thread still holds it are
 * lost, which only ever errs on the side of counting fewer calls; a window therefore
 * reaches back between {@code window - slot} and {@code window}.
 */
public class RatioBudget {

	static final int MAX_BUCKETS = 60;

	private static final long NANOS_PER_SECOND = 1_000_000_000L;

	private static final int MAX_RATIO_SCALE = 18;

	private final Ticker ticker;

	/**
	 * The ratio as the exact fraction {@code ratioNumerator / ratioDenominator} of its
	 * decimal form.
	 */
	private final long ratioNumerator;

	private final long ratioDenominator;

	private final long minPerSecond;

	private final long windowNanos;

	private final long slotNanos;

	private final int bucketCount;

	private final AtomicReferenceArray<Bucket> buckets;

	/**
	 * @param ratio share of recent calls that may make an extra attempt, in (0, 1]
	 * @param minPerSecond extra attempts always allowed per second, at least 0
	 * @param window how far back "recent" reaches; positive
	 * @param ticker the clock of the window
	 */
	public RatioBudget(double ratio, long minPerSecond, Duration window, Ticker ticker) {
		Requirements.requireArgument(ratio > 0 && ratio <= 1, "ratio must be in (0, 1], was " + ratio);
		Requirements.requireArgument(minPerSecond >= 0, "minPerSecond must be at least 0, was " + minPerSecond);
		Requirements.requirePositive(window, "window");
		this.ticker = Requirements.requireNonNull(ticker, "ticker");
		BigDecimal exact = BigDecimal.valueOf(ratio).stripTrailingZeros();
		if (exact.scale() > MAX_RATIO_SCALE) {
			// Only a tiny ratio written to its last binary digit needs more decimals;
			// rounding it there keeps the denominator within a long.
			exact = exact.setScale(MAX_RATIO_SCALE, RoundingMode.HALF_EVEN);
		}
		int scale = Math.max(0, exact.scale());
		this.ratioNumerator = exact.movePointRight(scale).longValueExact();
		this.ratioDenominator = BigDecimal.ONE.movePointRight(scale).longValueExact();
		this.minPerSecond = minPerSecond;
		// At most half the long range: rounding it up to whole seconds and slots below
		// cannot overflow.
		this.windowNanos = Durations.toNanosAtMost(window, Long.MAX_VALUE / 2);
		long seconds = (this.windowNanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
		this.bucketCount = (int) Math.max(1, Math.min(MAX_BUCKETS, seconds));
		this.slotNanos = (this.windowNanos + this.bucketCount - 1) / this.bucketCount;
		this.buckets = new AtomicReferenceArray<>(this.bucketCount);
		long slot = slotOf(ticker.read());
		for (int i = 0; i < this.bucketCount; i++) {
			// Stale tags, so that the first touch of each index rolls it.
			this.buckets.set(i, new Bucket(slot - this.bucketCount - 1));
		}
	}

	/** Records a call. */
	public final void deposit() {
		bucket(slotOf(this.ticker.read())).calls.increment();
	}

	/** Takes one token for an extra attempt if the budget allows it. */
	public final boolean tryWithdraw() {
		long slot = slotOf(this.ticker.read());
		Bucket current = bucket(slot);
		while (true) {
			// Extra attempts first, calls second: see the class comment.
			long extra = current.extra.get();
			long otherExtra = 0;
			for (int i = 0; i < this.bucketCount; i++) {
				Bucket bucket = this.buckets.get(i);
				if (bucket != current && inWindow(bucket, slot)) {
					otherExtra += bucket.extra.get();
				}
			}
			long calls = current.calls.sum();
			for (int i = 0; i < this.bucketCount; i++) {
				Bucket bucket = this.buckets.get(i);
				if (bucket != current && inWindow(bucket, slot)) {
					calls += bucket.calls.sum();
				}
			}
			if (!allows(otherExtra + extra + 1, calls)) {
				return false;
			}
			if (current.extra.compareAndSet(extra, extra + 1)) {
				return true;
			}
		}
	}

	/**
	 * Whether {@code extra} extra attempts, the one asked for included, fit the bound for
	 * {@code calls} calls.
	 */
	private boolean allows(long extra, long calls) {
		return atMost(extra, this.ratioDenominator, this.ratioNumerator, calls)
				|| atMost(extra, NANOS_PER_SECOND, this.minPerSecond, this.windowNanos);
	}

	/** {@code a * b <= c * d} for non-negative operands, on 128-bit products. */
	private static boolean atMost(long a, long b, long c, long d) {
		long leftHigh = Math.multiplyHigh(a, b);
		long rightHigh = Math.multiplyHigh(c, d);
		if (leftHigh != rightHigh) {
			return leftHigh < rightHigh;
		}
		return Long.compareUnsigned(a * b, c * d) <= 0;
	}

	private boolean inWindow(Bucket bucket, long slot) {
		return bucket.slot > slot - this.bucketCount && bucket.slot <= slot;
	}

	private long slotOf(long nanos) {
		return Math.floorDiv(nanos, this.slotNanos);
	}

	private Bucket bucket(long slot) {
		int index = (int) Math.floorMod(slot, (long) this.bucketCount);
		while (true) {
			Bucket bucket = this.buckets.get(index);
			// A newer tag means another thread has already moved on; counting there is
			// harmless.
			if (bucket.slot >= slot) {
				return bucket;
			}
			Bucket fresh = new Bucket(slot);
			if (this.buckets.compareAndSet(index, bucket, fresh)) {
				return fresh;
			}
		}
	}

	private static final class Bucket {

		final long slot;

		final LongAdder calls = new LongAdder();

		final AtomicLong extra = new AtomicLong();

		Bucket(long slot) {
			this.slot = slot;
		}

	}

}
