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

	/** 0 when consecutive failures do not count. */
	private final int threshold;

	private volatile int count;

	ConsecutiveFailures(int threshold) {
		this.threshold = threshold;
	}

	/** Counts {@code outcome}; whether the threshold is reached with it. */
	boolean record(CallOutcome outcome) {
		if (this.threshold == 0) {
			return false;
		}
		if (outcome.isFailure()) {
			return COUNT.incrementAndGet(this) >= this.threshold;
		}
		// Skip the write when already zero: successes are the common case and the line is
		// shared.
		if (this.count != 0) {
			this.count = 0;
		}
		return false;
	}

}
