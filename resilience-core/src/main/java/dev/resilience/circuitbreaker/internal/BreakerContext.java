package dev.resilience.circuitbreaker.internal;

import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.CallOutcome;

/**
 * What a state sees of its breaker: the current settings, the clock, whether it is still
 * the current state, and the one way to leave it. A state never changes the breaker
 * otherwise, so every state change is a compare-and-set in
 * {@link CircuitBreakerStateMachine}.
 */
abstract class BreakerContext {

	/**
	 * The settings calls are judged by; replaced whole when the breaker is reconfigured,
	 * so a call reads them once and sees the old or the new ones, never a mix.
	 */
	volatile BreakerSettings settings;

	final Ticker ticker;

	/**
	 * The learned slow-call threshold, shared by every state of the breaker; {@code null}
	 * when {@code adaptive-slow-call} is off, so that a breaker without it checks one
	 * field more per call and nothing else.
	 */
	final AdaptiveSlowCallThreshold adaptiveSlowCall;

	/** The breaker's calls since it was created, for the metrics; never reset. */
	final CallTotals totals = new CallTotals();

	BreakerContext(BreakerSettings settings, Ticker ticker) {
		if (ticker == null) {
			throw new IllegalArgumentException("ticker of circuit breaker '" + settings.name + "' must not be null");
		}
		this.settings = settings;
		this.ticker = ticker;
		this.adaptiveSlowCall = settings.config.isAdaptiveSlowCallEnabled()
				? new AdaptiveSlowCallThreshold(settings.config, ticker) : null;
	}

	/**
	 * Whether {@code state} is the breaker's current state object (identity, not kind).
	 */
	abstract boolean isCurrent(BreakerState state);

	/**
	 * Replaces {@code from} by {@code to} if {@code from} is still current, and if so
	 * tells the listeners, once.
	 * @return whether this call made the transition
	 */
	abstract boolean transition(BreakerState from, BreakerState to, String reason);

	/** Tells the listeners of one call's outcome; allocates nothing. */
	abstract void callRecorded(CallOutcome outcome, long durationNanos);

}
