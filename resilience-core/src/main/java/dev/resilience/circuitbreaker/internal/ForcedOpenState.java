package dev.resilience.circuitbreaker.internal;

import dev.resilience.circuitbreaker.CircuitBreaker.State;

/**
 * Refuses every call and records nothing until a manual transition; one instance per
 * breaker.
 */
final class ForcedOpenState extends BreakerState {

	ForcedOpenState(BreakerContext context) {
		super(context, State.FORCED_OPEN);
	}

	@Override
	boolean tryAcquirePermission() {
		return false;
	}

}
