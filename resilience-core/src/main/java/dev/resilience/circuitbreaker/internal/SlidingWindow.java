package dev.resilience.circuitbreaker.internal;

import java.util.concurrent.locks.ReentrantLock;

import dev.resilience.circuitbreaker.CallOutcome;

/**
 * The window of a closed breaker: records outcomes and tells, from the counts its own
 * update produced, whether the opening thresholds are reached. Linearizable: each verdict
 * is that of some order of the calls recorded; reads take no lock except where an
 * implementation says otherwise.
 */
abstract class SlidingWindow implements CallCounts {

	/** Attempts at a held window lock before queueing for it. */
	private static final int SPINS = 64;

	/**
	 * The thresholds the rates shown by the metrics are computed with; a recording is
	 * judged by the thresholds it is handed, so a reconfigured breaker judges its next
	 * call by the new ones at once.
	 */
	volatile Thresholds thresholds;

	/**
	 * The breaker's totals: a recording adds its call to them under {@link #lock}, which
	 * is theirs, shared by every window of the breaker.
	 */
	final CallTotals totals;

	/** Guards the window's recording state and the breaker's totals. */
	final ReentrantLock lock;

	SlidingWindow(Thresholds thresholds, CallTotals totals) {
		this.thresholds = thresholds;
		this.totals = totals;
		this.lock = totals.lock;
	}

	/** Shows the rates with the thresholds of a reconfigured breaker. */
	void retune(Thresholds thresholds) {
		this.thresholds = thresholds;
	}

	/**
	 * Takes a window's lock, trying a few times before queueing for it. The lock guards a
	 * few plain writes, so a thread that finds it held nearly always gets it within a few
	 * tries; queueing would park the thread and allocate a queue node on the call path of
	 * a busy breaker.
	 */
	static void acquire(ReentrantLock lock) {
		for (int i = 0; i < SPINS; i++) {
			if (lock.tryLock()) {
				return;
			}
			Thread.onSpinWait();
		}
		lock.lock();
	}

	/**
	 * Records one success or failure, adds it to the breaker's totals, and judges the
	 * counts it produced by {@code thresholds}.
	 * @return why the breaker should open, or {@code null} (the common case, allocating
	 * nothing)
	 */
	abstract String record(CallOutcome outcome, long durationNanos, Thresholds thresholds);

	@Override
	public float failureRate() {
		return this.thresholds.rate(bufferedCalls(), failedCalls());
	}

	@Override
	public float slowCallRate() {
		return this.thresholds.rate(bufferedCalls(), slowCalls());
	}

}
