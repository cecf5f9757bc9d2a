package dev.resilience.circuitbreaker.internal;

import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.circuitbreaker.CircuitBreaker.Permission;

/**
 * A call admitted by one state: its outcome is recorded there, or its permit given back
 * there, never in a state entered since. Listeners hear of every outcome, also of one
 * that is dropped because its state is gone: the call did happen.
 */
abstract class Admission implements Permission {

	final BreakerContext context;

	final BreakerSettings settings;

	Admission(BreakerContext context) {
		this.context = context;
		this.settings = context.settings;
	}

	@Override
	public final void onSuccess(long durationNanos) {
		complete(this.settings.successOutcome(durationNanos), durationNanos);
	}

	@Override
	public final void onError(long durationNanos, Throwable error) {
		complete(this.settings.errorOutcome(durationNanos, error), durationNanos);
	}

	private void complete(CallOutcome outcome, long durationNanos) {
		// Recorded even when a listener throws an Error, so that a trial permit is never
		// lost.
		try {
			this.context.callRecorded(outcome, durationNanos);
		}
		finally {
			if (outcome == CallOutcome.IGNORED) {
				release();
			}
			else {
				record(outcome);
			}
		}
	}

	/** Counts a success or failure in the admitting state, if it is still current. */
	abstract void record(CallOutcome outcome);

}
