package dev.resilience.circuitbreaker.internal;

import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.CallOutcome;

/**
 * What a state sees of its breaker: the settings, the clock, whether it is still the current
 * state, and the one way to leave it. A state never changes the breaker otherwise, so every state
 * change is a compare-and-set in {@link CircuitBreakerStateMachine}.
 */
interface BreakerContext {

	BreakerSettings settings();

	Ticker ticker();

	/** Whether {@code state} is the breaker's current state object (identity, not kind). */
	boolean isCurrent(BreakerState state);

	/**
	 * Replaces {@code from} by {@code to} if {@code from} is still current, and if so tells the
	 * listeners, once.
	 * @return whether this call made the transition
	 */
	boolean transition(BreakerState from, BreakerState to, String reason);

	/** Tells the listeners of one call's outcome; allocates nothing. */
	void callRecorded(CallOutcome outcome, long durationNanos);

}
