package dev.resilience.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

import dev.resilience.Ticker;

/**
 * A quantile of recent latencies, learned in bounded memory: what a hedge waits for
 * before it sends another attempt, and what a breaker's latency-anomaly detection
 * compares a call against.
 * <p>
 * Latencies are counted in log-linear buckets (16 per power of two, so a quantile is read
 * within 1/16 of the true value, rounded up), two generations of them: the current one
 * and the one before. A generation lives one {@code window}; when it ends, the current
 * one becomes the previous one and the oldest is forgotten, so the quantile follows the
 * last one to two windows of latencies and a change is fully learned, or forgotten,
 * within two windows. Memory is fixed: {@value #BUCKETS} counters per generation.
 * <p>
 * {@link #record(long)} costs one atomic increment and, once per window, a rotation by
 * the thread that notices it. {@link #quantileNanos()} is read on every call by its
 * users, so it answers a cached value, refreshed at most every eighth of a window by one
 * thread.
 * <p>
 * Thread-safe. Counts are approximate when a rotation races a recording (a latency may
 * land in the generation that is being retired), which an estimate of recent behaviour
 * can afford.
 */
public final class LatencyQuantile {

	/** Linear buckets per power of two: the relative precision is 1/16. */
	private static final int SUB_BUCKET_BITS = 4;

	private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;

	/**
	 * The highest power of two counted apart: 2^44 ns is almost five hours; longer
	 * latencies share the last bucket.
	 */
	private static final int MAX_EXPONENT = 44;

	static final int BUCKETS = (MAX_EXPONENT - SUB_BUCKET_BITS + 2) * SUB_BUCKETS;

	/** The answer while fewer than the minimum samples were seen. */
	public static final long UNKNOWN = -1;

	private final double quantile;

	private final long windowNanos;

	private final long refreshNanos;

	private final int minimumSamples;

	private final Ticker ticker;

	private final ReentrantLock lock = new ReentrantLock();

	private volatile Generation current;

	private volatile Generation previous;

	private volatile long cached = UNKNOWN;

	private volatile long cachedAt;

	/**
	 * @param quantile the quantile to learn, in (0, 1)
	 * @param window how long a generation of latencies lives; positive
	 * @param minimumSamples how many latencies, over both generations, make a quantile
	 * worth answering; at least 1
	 * @param ticker the clock of generations and refreshes
	 */
	public LatencyQuantile(double quantile, Duration window, int minimumSamples, Ticker ticker) {
		if (!(quantile > 0 && quantile < 1)) {
			throw new IllegalArgumentException("quantile must be in (0, 1), was " + quantile);
		}
		if (window == null || window.isNegative() || window.isZero()) {
			throw new IllegalArgumentException("window must be positive, was " + window);
		}
		if (minimumSamples < 1) {
			throw new IllegalArgumentException("minimumSamples must be at least 1, was " + minimumSamples);
		}
		this.quantile = quantile;
		this.windowNanos = window.toNanos();
		this.refreshNanos = Math.max(1, this.windowNanos / 8);
		this.minimumSamples = minimumSamples;
		this.ticker = ticker;
		long now = ticker.read();
		this.current = new Generation(now);
		this.previous = new Generation(now - this.windowNanos);
		this.cachedAt = now - this.refreshNanos;
	}

	/** Counts one latency; a negative one counts as zero. */
	public void record(long nanos) {
		Generation generation = this.current;
		long now = this.ticker.read();
		if (now - generation.start >= this.windowNanos) {
			generation = rotate(now);
		}
		generation.counts.incrementAndGet(bucket(Math.max(0, nanos)));
	}

	/**
	 * The learned quantile in nanoseconds, rounded up to its bucket's upper bound, or
	 * {@link #UNKNOWN} while fewer than the minimum samples were seen in the last two
	 * windows. Refreshed at most every eighth of a window.
	 */
	public long quantileNanos() {
		long now = this.ticker.read();
		if (now - this.cachedAt >= this.refreshNanos && this.lock.tryLock()) {
			try {
				if (now - this.current.start >= this.windowNanos) {
					rotateLocked(now);
				}
				this.cached = compute();
				this.cachedAt = now;
			}
			finally {
				this.lock.unlock();
			}
		}
		return this.cached;
	}

	/** How many latencies the current and the previous generation hold. */
	public long sampleCount() {
		long total = 0;
		for (int i = 0; i < BUCKETS; i++) {
			total += this.current.counts.get(i) + this.previous.counts.get(i);
		}
		return total;
	}

	private Generation rotate(long now) {
		this.lock.lock();
		try {
			if (now - this.current.start >= this.windowNanos) {
				rotateLocked(now);
			}
			return this.current;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void rotateLocked(long now) {
		Generation ended = this.current;
		// A generation idle for more than one window is as old as the oldest one.
		boolean stale = now - ended.start >= 2 * this.windowNanos;
		this.previous = stale ? new Generation(now - this.windowNanos) : ended;
		this.current = new Generation(now);
		this.cachedAt = now - this.refreshNanos;
	}

	private long compute() {
		Generation newer = this.current;
		Generation older = this.previous;
		long total = 0;
		for (int i = 0; i < BUCKETS; i++) {
			total += newer.counts.get(i) + older.counts.get(i);
		}
		if (total < this.minimumSamples) {
			return UNKNOWN;
		}
		long rank = (long) Math.ceil(this.quantile * total);
		long seen = 0;
		for (int i = 0; i < BUCKETS; i++) {
			seen += newer.counts.get(i) + older.counts.get(i);
			if (seen >= rank) {
				return upperBound(i);
			}
		}
		return upperBound(BUCKETS - 1);
	}

	/** The bucket of a latency: exact below 16 ns, then 16 per power of two. */
	static int bucket(long nanos) {
		if (nanos < SUB_BUCKETS) {
			return (int) nanos;
		}
		int exponent = 63 - Long.numberOfLeadingZeros(nanos);
		if (exponent > MAX_EXPONENT) {
			return BUCKETS - 1;
		}
		int mantissa = (int) (nanos >>> (exponent - SUB_BUCKET_BITS)) & (SUB_BUCKETS - 1);
		return (exponent - SUB_BUCKET_BITS + 1) * SUB_BUCKETS + mantissa;
	}

	/** The largest latency a bucket counts. */
	static long upperBound(int bucket) {
		if (bucket < SUB_BUCKETS) {
			return bucket;
		}
		int exponent = bucket / SUB_BUCKETS + SUB_BUCKET_BITS - 1;
		int mantissa = bucket % SUB_BUCKETS;
		return ((long) (SUB_BUCKETS + mantissa + 1) << (exponent - SUB_BUCKET_BITS)) - 1;
	}

	@Override
	public String toString() {
		return "LatencyQuantile[q=" + this.quantile + ", window=" + Durations.format(Duration.ofNanos(this.windowNanos))
				+ ", value=" + this.cached + "ns]";
	}

	/** One window's counts. */
	private static final class Generation {

		final long start;

		final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

		Generation(long start) {
			this.start = start;
		}

	}

}
