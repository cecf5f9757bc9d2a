package dev.resilience.circuitbreaker;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A breaker reconfigured in place: what it keeps (the object, its state, its window when
 * the shape is the same, its listeners) and what takes the new configuration.
 */
class CircuitBreakerReconfigurationTests {

	private final FakeTicker ticker = new FakeTicker();

	private final RecordingListener listener = new RecordingListener();

	/** Window of 10 calls, at least 4, opens at 50% failures; 2 trial calls after 60s. */
	private static CircuitBreakerConfig.Builder config() {
		return CircuitBreakerConfig.custom()
			.slidingWindowSize(10)
			.minimumNumberOfCalls(4)
			.failureRateThreshold(50)
			.slowCallDurationThreshold(Duration.ofSeconds(1))
			.waitDurationInOpenState(Duration.ofSeconds(60))
			.permittedNumberOfCallsInHalfOpenState(2);
	}

	private CircuitBreaker breaker(CircuitBreakerConfig.Builder config) {
		CircuitBreaker breaker = CircuitBreaker.of("inventory", config.build(), this.ticker);
		breaker.addListener(this.listener);
		return breaker;
	}

	private static void succeed(CircuitBreaker breaker, int times) {
		for (int i = 0; i < times; i++) {
			breaker.acquirePermission();
			breaker.onSuccess(0);
		}
	}

	private static void fail(CircuitBreaker breaker, int times) {
		for (int i = 0; i < times; i++) {
			breaker.acquirePermission();
			breaker.onError(0, new IOException("boom"));
		}
	}

	@Test
	void closedBreakerKeepsItsWindowAndJudgesTheNextCallByTheNewThreshold() {
		CircuitBreaker breaker = breaker(config());
		succeed(breaker, 6);
		fail(breaker, 3);
		// 3 of 9 failed: 33% stays below 50%.
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		breaker.reconfigure(config().failureRateThreshold(30).build());
		assertThat(breaker.getConfig().getFailureRateThreshold()).isEqualTo(30f);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(9);
		succeed(breaker, 1);
		// 3 of 10 failed: 30% reaches the new threshold, counted with the calls before.
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		assertThat(this.listener.transitions).extracting(Object::toString)
			.containsExactly("CircuitBreaker 'inventory' CLOSED -> OPEN: failure rate 30.0% >= 30.0% over 10 calls");
	}

	@Test
	void newMinimumNumberOfCallsAppliesToTheCallsAlreadyCounted() {
		CircuitBreaker breaker = breaker(config().minimumNumberOfCalls(10));
		fail(breaker, 4);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(breaker.getMetrics().getFailureRate()).isEqualTo(-1f);
		breaker.reconfigure(config().minimumNumberOfCalls(5).build());
		// The metrics judge the kept window by the new minimum at once.
		assertThat(breaker.getMetrics().getFailureRate()).isEqualTo(-1f);
		fail(breaker, 1);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
	}

	@Test
	void loweredConsecutiveFailureThresholdCountsTheFailuresAlreadyInARow() {
		CircuitBreaker breaker = breaker(
				config().slidingWindowSize(100).minimumNumberOfCalls(100).consecutiveFailureThreshold(5));
		fail(breaker, 2);
		breaker.reconfigure(
				config().slidingWindowSize(100).minimumNumberOfCalls(100).consecutiveFailureThreshold(3).build());
		fail(breaker, 1);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		assertThat(this.listener.transitions).extracting(Object::toString)
			.containsExactly("CircuitBreaker 'inventory' CLOSED -> OPEN: 3 consecutive failures");
	}

	@Test
	void consecutiveFailureThresholdSwitchedOnCountsFromTheSwitch() {
		// Off, the breaker counts no failures in a row (it costs a write per call): the
		// rule starts counting when it is switched on.
		CircuitBreaker breaker = breaker(config().slidingWindowSize(100).minimumNumberOfCalls(100));
		fail(breaker, 2);
		breaker.reconfigure(
				config().slidingWindowSize(100).minimumNumberOfCalls(100).consecutiveFailureThreshold(3).build());
		fail(breaker, 2);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		fail(breaker, 1);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
	}

	@Test
	void openBreakerStaysOpenAndWaitsTheNewDurationFromWhenItOpened() {
		CircuitBreaker breaker = breaker(config());
		fail(breaker, 4);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		this.ticker.advance(Duration.ofSeconds(10));
		breaker.reconfigure(config().waitDurationInOpenState(Duration.ofSeconds(20)).failureRateThreshold(90).build());
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		assertThat(breaker.tryAcquirePermission()).isFalse();
		this.ticker.advance(Duration.ofSeconds(9));
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		this.ticker.advance(Duration.ofSeconds(1));
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
	}

	@Test
	void halfOpenBreakerEndsItsTrialByTheConfigurationItEnteredWith() {
		CircuitBreaker breaker = breaker(config());
		breaker.transitionToOpenState();
		this.ticker.advance(Duration.ofSeconds(60));
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
		breaker.reconfigure(config().permittedNumberOfCallsInHalfOpenState(5).build());
		succeed(breaker, 2);
		// Two trial calls, as when it turned half-open; five only from the next time.
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		breaker.transitionToOpenState();
		this.ticker.advance(Duration.ofSeconds(60));
		succeed(breaker, 2);
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
		succeed(breaker, 3);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
	}

	@Test
	void windowOfAnotherSizeRestartsEmptyAndTheBreakerStaysClosed() {
		CircuitBreaker breaker = breaker(config());
		fail(breaker, 3);
		breaker.reconfigure(config().slidingWindowSize(20).build());
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		fail(breaker, 3);
		// Three failures of the old window are gone: 3 calls are below the minimum of 4.
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		fail(breaker, 1);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		assertThat(this.listener.transitions).extracting(Object::toString)
			.containsExactly("CircuitBreaker 'inventory' CLOSED -> OPEN: failure rate 100.0% >= 50.0% over 4 calls");
	}

	@Test
	void windowOfAnotherTypeRestartsEmpty() {
		CircuitBreaker breaker = breaker(config());
		fail(breaker, 3);
		breaker.reconfigure(config().slidingWindowType(SlidingWindowType.TIME_BASED).build());
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		this.ticker.advance(Duration.ofSeconds(1));
		fail(breaker, 1);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(1);
	}

	@Test
	void openBreakerWithAnotherWindowShapeStaysOpenAndClosesWithTheNewWindow() {
		CircuitBreaker breaker = breaker(config());
		fail(breaker, 4);
		breaker.reconfigure(config().slidingWindowSize(3).minimumNumberOfCalls(3).build());
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		breaker.transitionToClosedState();
		fail(breaker, 1);
		succeed(breaker, 3);
		// A window of 3: the failure has been pushed out.
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(3);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void newSlowCallThresholdClassifiesTheNextCall() {
		CircuitBreaker breaker = breaker(config());
		breaker.reconfigure(config().slowCallDurationThreshold(Duration.ofMillis(100)).build());
		breaker.acquirePermission();
		breaker.onSuccess(Duration.ofMillis(200).toNanos());
		assertThat(breaker.getMetrics().getNumberOfSlowCalls()).isEqualTo(1);
	}

	@Test
	void callAdmittedBeforeAReconfigurationIsCountedInTheKeptWindow() {
		CircuitBreaker breaker = breaker(config());
		fail(breaker, 3);
		CircuitBreaker.Permission inFlight = breaker.tryAdmit();
		breaker.reconfigure(config().failureRateThreshold(75).build());
		inFlight.onError(0, new IOException("boom"));
		// 4 of 4 failed: 100% >= 75%, the admitted call landing in the same window.
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
	}

	@Test
	void notPermittedCountAndListenersSurviveAReconfiguration() {
		CircuitBreaker breaker = breaker(config());
		breaker.transitionToForcedOpenState();
		assertThat(breaker.tryAcquirePermission()).isFalse();
		breaker.reconfigure(config().failureRateThreshold(10).build());
		assertThat(breaker.getState()).isEqualTo(State.FORCED_OPEN);
		assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
		breaker.transitionToClosedState();
		assertThat(this.listener.transitions).extracting(Object::toString)
			.endsWith("CircuitBreaker 'inventory' FORCED_OPEN -> CLOSED: manual");
	}

	@Test
	void changeOfTheAdaptiveSlowCallSettingsIsRefusedAndNothingChanges() {
		CircuitBreaker breaker = breaker(config());
		CircuitBreakerConfig before = breaker.getConfig();
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> breaker.reconfigure(config().adaptiveSlowCallEnabled(true).failureRateThreshold(10).build()))
			.withMessageContaining("adaptive-slow-call")
			.withMessageContaining("'inventory'");
		assertThat(breaker.getConfig()).isSameAs(before);
	}

	@Test
	void nullConfigurationIsRefused() {
		CircuitBreaker breaker = breaker(config());
		assertThatIllegalArgumentException().isThrownBy(() -> breaker.reconfigure(null))
			.withMessageContaining("'inventory'");
	}

}
