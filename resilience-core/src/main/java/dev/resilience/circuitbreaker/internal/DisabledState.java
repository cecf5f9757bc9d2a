package dev.resilience.circuitbreaker.internal;

import dev.resilience.circuitbreaker.CircuitBreaker.State;

/**
 * Permits every call and records nothing until a manual transition; one instance per
 * breaker.
 */
final class DisabledState extends BreakerState {

	DisabledState(BreakerContext context) {
		super(context, State.DISABLED);
	}

	@Override
	boolean tryAcquirePermission() {
		return true;
	}

}
