package dev.resilience.circuitbreaker.internal;

import dev.resilience.circuitbreaker.CallOutcome;

/**
 * The window of a closed breaker: records outcomes and tells, from the counts its own update
 * produced, whether the opening thresholds are reached. Linearizable: each verdict is that of
 * some order of the calls recorded; reads take no lock except where an implementation says
 * otherwise.
 */
abstract class SlidingWindow implements CallCounts {

	final Thresholds thresholds;

	SlidingWindow(Thresholds thresholds) {
		this.thresholds = thresholds;
	}

	/**
	 * Records one success or failure.
	 * @return why the breaker should open, or {@code null} (the common case, allocating nothing)
	 */
	abstract String record(CallOutcome outcome);

	@Override
	public float failureRate() {
		return this.thresholds.rate(bufferedCalls(), failedCalls());
	}

	@Override
	public float slowCallRate() {
		return this.thresholds.rate(bufferedCalls(), slowCalls());
	}

}
