package dev.resilience.circuitbreaker.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerListener;

/**
 * The transitions a breaker announced, as {@code FROM -> TO: reason}, for the per-state
 * tests.
 */
final class Transitions implements CircuitBreakerListener {

	final List<String> heard = new CopyOnWriteArrayList<>();

	@Override
	public void onStateTransition(CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to,
			String reason) {
		this.heard.add(from + " -> " + to + ": " + reason);
	}

}
