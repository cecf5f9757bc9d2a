package dev.resilience.circuitbreaker.internal;

import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.circuitbreaker.CircuitBreaker.State;

/**
 * One state entered; identity matters, since transitions compare-and-set against it. A
 * new object is made for each entry into a counting state (closed, open, half-open),
 * which is what gives each of them fresh counts. A state that admits without a per-call
 * permit (closed, disabled) is itself the admission of its calls.
 */
abstract class BreakerState extends Admission {

	final State state;

	BreakerState(BreakerContext context, State state) {
		super(context);
		this.state = state;
	}

	/**
	 * Whether a call may go ahead; a half-open state hands out one of its trial permits.
	 */
	abstract boolean tryAcquirePermission();

	/** This state's admission of one call, or {@code null} when it refuses. */
	Admission admit() {
		return tryAcquirePermission() ? this : null;
	}

	@Override
	public void release() {
	}

	/** Counts the call in the breaker's totals only. */
	@Override
	void record(CallOutcome outcome, long durationNanos, BreakerSettings settings) {
		this.context.totals.add(outcome, durationNanos);
	}

	/** The counts shown by the metrics while this state is current. */
	CallCounts counts() {
		return CallCounts.NONE;
	}

	@Override
	public String toString() {
		return this.state.name();
	}

}
