package dev.resilience.circuitbreaker;

/**
 * Observer of one or more {@link CircuitBreaker}s: their state transitions and the
 * outcome of every call. Metrics, health and logging are built on it.
 * <p>
 * Callbacks run synchronously on the thread that caused them (the caller, or the thread
 * completing an asynchronous call), so they must be fast and must not block. A listener
 * that throws does not disturb the call: the exception is caught and the first one of
 * each registered listener is reported through the {@code System.Logger} named
 * {@code dev.resilience.circuitbreaker}. Implementations must be thread-safe.
 * <p>
 * A breaker without listeners allocates nothing for events, so there is no cost to
 * observe until a listener is added. Only a listener that overrides
 * {@link #onCallRecorded} is called on every call: the breaker checks when the listener
 * is added, so one that hears only transitions and refusals costs a call nothing. The
 * breaker's own {@link CircuitBreaker.Metrics#getTotalNumberOfCalls(CallOutcome) totals}
 * count and time every call without a listener.
 */
public interface CircuitBreakerListener {

	/**
	 * The breaker moved from one state to another. Called exactly once per transition, by
	 * the thread that made it.
	 * @param breaker the breaker
	 * @param from the state it left
	 * @param to the state it entered
	 * @param reason human-readable cause, such as
	 * {@code failure rate 62.5% >= 50.0% over 8 calls} or {@code manual}
	 */
	default void onStateTransition(CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to,
			String reason) {
	}

	/**
	 * A call was recorded, or refused ({@link CallOutcome#NOT_PERMITTED}, with a duration
	 * of 0).
	 * @param breaker the breaker
	 * @param outcome how the call went
	 * @param durationNanos how long the call took, in nanoseconds of the breaker's ticker
	 */
	default void onCallRecorded(CircuitBreaker breaker, CallOutcome outcome, long durationNanos) {
	}

	/**
	 * A call was refused (the breaker is open or forced open, or half-open with no trial
	 * permit left). Called once per refusal, on the refused thread, besides
	 * {@link #onCallRecorded} with {@link CallOutcome#NOT_PERMITTED}; a listener that
	 * only cares about refusals overrides this one and stays off the path of the calls
	 * that go through.
	 * @param breaker the breaker
	 */
	default void onCallNotPermitted(CircuitBreaker breaker) {
	}

}
