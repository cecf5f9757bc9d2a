package dev.resilience.circuitbreaker.internal;

import dev.resilience.circuitbreaker.CircuitBreaker.State;

/**
 * Refuses every call until the wait duration has elapsed since it was entered; the
 * breaker then turns half-open when it is next asked (see
 * {@link CircuitBreakerStateMachine}). Records nothing.
 */
final class OpenState extends BreakerState {

	private final long openedAt;

	/** The counts that opened the breaker, kept for the metrics only. */
	private final CallCounts counts;

	OpenState(BreakerContext context, CallCounts counts) {
		super(context, State.OPEN);
		this.openedAt = context.ticker.read();
		this.counts = counts;
	}

	boolean waitElapsed() {
		// The current settings: a wait reconfigured while open counts from the opening.
		return this.context.ticker.read() - this.openedAt >= this.context.settings.waitDurationNanos;
	}

	@Override
	boolean tryAcquirePermission() {
		return false;
	}

	@Override
	CallCounts counts() {
		return this.counts;
	}

}
