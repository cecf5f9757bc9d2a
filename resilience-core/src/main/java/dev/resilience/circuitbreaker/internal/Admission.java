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

	Admission(BreakerContext context) {
		this.context = context;
	}

	@Override
	public final void onSuccess(long durationNanos) {
		// The one read of the settings per call: a call ending after a reconfiguration is
		// judged by the new settings throughout.
		BreakerSettings settings = this.context.settings;
		AdaptiveSlowCallThreshold adaptive = this.context.adaptiveSlowCall;
		if (adaptive == null) {
			complete(settings.successOutcome(durationNanos), durationNanos, settings);
			return;
		}
		CallOutcome outcome = settings.successOutcome(durationNanos);
		if (outcome == CallOutcome.SUCCESS) {
			if (adaptive.isSlow(durationNanos)) {
				outcome = CallOutcome.SLOW_SUCCESS;
			}
			else {
				learn(adaptive, durationNanos);
			}
		}
		complete(outcome, durationNanos, settings);
	}

	@Override
	public final void onError(long durationNanos, Throwable error) {
		BreakerSettings settings = this.context.settings;
		CallOutcome outcome = settings.errorOutcome(durationNanos, error);
		AdaptiveSlowCallThreshold adaptive = this.context.adaptiveSlowCall;
		if (adaptive != null && (outcome == CallOutcome.FAILURE || outcome == CallOutcome.SUCCESS)
				&& adaptive.isSlow(durationNanos)) {
			outcome = (outcome == CallOutcome.FAILURE) ? CallOutcome.SLOW_FAILURE : CallOutcome.SLOW_SUCCESS;
		}
		complete(outcome, durationNanos, settings);
	}

	/**
	 * Learns the latency of a call that returned normally and was slow by neither rule.
	 * Only a closed state that is still current learns: trial calls, calls of a disabled
	 * breaker and calls that ended after their state was left are not the normal latency.
	 */
	void learn(AdaptiveSlowCallThreshold adaptive, long durationNanos) {
	}

	private void complete(CallOutcome outcome, long durationNanos, BreakerSettings settings) {
		// Recorded even when a listener throws an Error, so that a trial permit is never
		// lost.
		try {
			this.context.callRecorded(outcome, durationNanos);
		}
		finally {
			if (outcome == CallOutcome.IGNORED) {
				this.context.totals.add(outcome, durationNanos);
				release();
			}
			else {
				record(outcome, durationNanos, settings);
			}
		}
	}

	/**
	 * Counts a success or failure in the admitting state, if it is still current, and in
	 * the breaker's totals in any case (once per admission that ends once);
	 * {@code settings} are those the outcome was classified by.
	 */
	abstract void record(CallOutcome outcome, long durationNanos, BreakerSettings settings);

}
