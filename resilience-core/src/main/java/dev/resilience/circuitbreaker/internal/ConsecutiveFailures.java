package dev.resilience.circuitbreaker.internal;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import dev.resilience.circuitbreaker.CallOutcome;

/**
 * Failures in a row within one state (closed or half-open), against the
 * {@code consecutive-failure-threshold}; a success starts the count again. Lock-free.
 */
final class ConsecutiveFailures {

	private static final AtomicIntegerFieldUpdater<ConsecutiveFailures> COUNT = AtomicIntegerFieldUpdater
		.newUpdater(ConsecutiveFailures.class, "count");

	private volatile int count;

	/**
	 * Counts {@code outcome}; whether {@code threshold} (0 when consecutive failures do
	 * not count) is reached with it. The threshold is handed in, so that a reconfigured
	 * breaker judges the failures in a row it already counted by its new threshold.
	 */
	boolean record(CallOutcome outcome, int threshold) {
		if (threshold == 0) {
			return false;
		}
		if (outcome.isFailure()) {
			return COUNT.incrementAndGet(this) >= threshold;
		}
		// Skip the write when already zero: successes are the common case and the line is
		// shared.
		if (this.count != 0) {
			this.count = 0;
		}
		return false;
	}

}
