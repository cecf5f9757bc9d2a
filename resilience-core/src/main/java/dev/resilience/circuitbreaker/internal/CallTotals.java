package dev.resilience.circuitbreaker.internal;

import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import dev.resilience.circuitbreaker.CallOutcome;

/**
 * The calls of one breaker since it was created, by outcome: how many, and their summed
 * duration. They back the breaker's call timers in the metrics, which read them when
 * scraped instead of being told of every call.
 * <p>
 * Counting must cost next to nothing, since it happens on every call whether metrics are
 * on or not. A closed breaker's window already takes a lock to record a call, so the
 * totals share that lock ({@link #lock}, handed to every window of the breaker) and a
 * call adds to them with two plain writes inside it. Outcomes that reach no window (trial
 * calls, ignored calls, calls of a disabled breaker, calls that ended after their state
 * was left) take the same lock for those two writes. Refusals, which an open breaker
 * under load makes on many threads at once and which have no duration, go to a
 * {@link LongAdder} instead. Never reset.
 */
final class CallTotals {

	private static final int NOT_PERMITTED = CallOutcome.NOT_PERMITTED.ordinal();

	/**
	 * Guards the counts and durations below, and the windows of the breaker's closed
	 * states.
	 */
	final ReentrantLock lock = new ReentrantLock();

	private final long[] counts = new long[CallOutcome.values().length];

	private final long[] durationNanos = new long[CallOutcome.values().length];

	private final LongAdder refused = new LongAdder();

	/** Adds one call; the caller holds {@link #lock}. */
	void addLocked(CallOutcome outcome, long nanos) {
		int index = outcome.ordinal();
		this.counts[index]++;
		this.durationNanos[index] += nanos;
	}

	/** Adds one call that no window records. */
	void add(CallOutcome outcome, long nanos) {
		SlidingWindow.acquire(this.lock);
		try {
			addLocked(outcome, nanos);
		}
		finally {
			this.lock.unlock();
		}
	}

	void addRefusal() {
		this.refused.increment();
	}

	long count(CallOutcome outcome) {
		int index = outcome.ordinal();
		if (index == NOT_PERMITTED) {
			return this.refused.sum();
		}
		return read(this.counts, index);
	}

	long durationNanos(CallOutcome outcome) {
		return read(this.durationNanos, outcome.ordinal());
	}

	private long read(long[] values, int index) {
		SlidingWindow.acquire(this.lock);
		try {
			return values[index];
		}
		finally {
			this.lock.unlock();
		}
	}

}
