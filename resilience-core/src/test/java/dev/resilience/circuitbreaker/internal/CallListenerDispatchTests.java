package dev.resilience.circuitbreaker.internal;

import java.lang.reflect.Proxy;

import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which listeners the breaker calls on every call: those whose class overrides
 * {@code onCallRecorded}, and any it cannot tell about.
 */
class CallListenerDispatchTests {

	@Test
	void aListenerOfTransitionsAndRefusalsOnlyIsOffTheCallPath() {
		assertThat(CircuitBreakerStateMachine.hearsEveryCall(new CircuitBreakerListener() {

			@Override
			public void onStateTransition(CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to,
					String reason) {
			}

			@Override
			public void onCallNotPermitted(CircuitBreaker breaker) {
			}

		})).isFalse();
	}

	@Test
	void aListenerOfCallsOrASubclassOfOneHearsEveryCall() {
		assertThat(CircuitBreakerStateMachine.hearsEveryCall(new CallListener())).isTrue();
		assertThat(CircuitBreakerStateMachine.hearsEveryCall(new CallListener() {
		})).isTrue();
	}

	@Test
	void aProxyHearsEveryCallSinceItsHandlerMightWantThem() {
		CircuitBreakerListener proxy = (CircuitBreakerListener) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { CircuitBreakerListener.class }, (target, method, args) -> null);
		assertThat(CircuitBreakerStateMachine.hearsEveryCall(proxy)).isTrue();
	}

	static class CallListener implements CircuitBreakerListener {

		@Override
		public void onCallRecorded(CircuitBreaker breaker, CallOutcome outcome, long durationNanos) {
		}

	}

}
