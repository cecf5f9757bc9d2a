package dev.resilience.circuitbreaker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers everything a breaker told it, thread-safely, for assertions. */
final class RecordingListener implements CircuitBreakerListener {

	final List<Transition> transitions = new CopyOnWriteArrayList<>();

	final List<CallOutcome> outcomes = new CopyOnWriteArrayList<>();

	final List<Long> durations = new CopyOnWriteArrayList<>();

	@Override
	public void onStateTransition(CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to,
			String reason) {
		this.transitions.add(new Transition(breaker.getName(), from, to, reason));
	}

	@Override
	public void onCallRecorded(CircuitBreaker breaker, CallOutcome outcome, long durationNanos) {
		this.outcomes.add(outcome);
		this.durations.add(durationNanos);
	}

	record Transition(String name, CircuitBreaker.State from, CircuitBreaker.State to, String reason) {

		@Override
		public String toString() {
			return "CircuitBreaker '" + this.name + "' " + this.from + " -> " + this.to + ": " + this.reason;
		}

	}

}
