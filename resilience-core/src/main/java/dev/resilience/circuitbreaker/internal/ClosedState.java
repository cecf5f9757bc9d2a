package dev.resilience.circuitbreaker.internal;

import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.circuitbreaker.CircuitBreaker.State;

/**
 * Permits every call and records its outcome in a window of its own; opens when the
 * window's thresholds or the consecutive failures are reached. Judges each outcome by the
 * breaker's current settings, so a reconfigured breaker keeps its closed state and its
 * window and applies its new thresholds from the next recorded call. Admission takes no
 * lock and allocates nothing (the state is its calls' admission); recording holds the
 * window's lock for a few writes. An outcome that ends after this state was left is
 * dropped: its window is gone. With {@code adaptive-slow-call} on, it is also the only
 * state that learns normal latencies, and only while current.
 */
final class ClosedState extends BreakerState {

	private final SlidingWindow window;

	private final ConsecutiveFailures consecutiveFailures;

	ClosedState(BreakerContext context) {
		super(context, State.CLOSED);
		this.window = context.settings.newWindow(context.ticker, context.totals);
		this.consecutiveFailures = new ConsecutiveFailures();
	}

	@Override
	boolean tryAcquirePermission() {
		return true;
	}

	@Override
	void record(CallOutcome outcome, long durationNanos, BreakerSettings settings) {
		if (!this.context.isCurrent(this)) {
			// This window is gone: the breaker opened, or was reset or moved by hand
			// since. The call still happened.
			this.context.totals.add(outcome, durationNanos);
			return;
		}
		String reason = this.window.record(outcome, durationNanos, settings.windowThresholds);
		if (reason == null && this.consecutiveFailures.record(outcome, settings.consecutiveFailureThreshold)) {
			reason = settings.consecutiveFailuresReason;
		}
		if (reason != null && this.context.isCurrent(this)) {
			this.context.transition(this, new OpenState(this.context, this.window), reason);
		}
	}

	@Override
	void learn(AdaptiveSlowCallThreshold adaptive, long durationNanos) {
		if (this.context.isCurrent(this)) {
			adaptive.learn(durationNanos);
		}
	}

	/**
	 * Whether this state's window has the shape (type and size) {@code settings} asks
	 * for, so that it can go on counting under them.
	 */
	boolean windowFits(BreakerSettings settings) {
		return settings.newWindowHasShapeOf(this.window);
	}

	/** Shows the window's rates by the thresholds of a reconfigured breaker. */
	void retune(BreakerSettings settings) {
		this.window.retune(settings.windowThresholds);
	}

	@Override
	CallCounts counts() {
		return this.window;
	}

}
