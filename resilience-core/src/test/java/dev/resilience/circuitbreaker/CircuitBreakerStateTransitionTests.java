package dev.resilience.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every transition of the state machine, driven by recorded outcomes and a fake ticker.
 */
class CircuitBreakerStateTransitionTests {

	private static final long SLOW = Duration.ofSeconds(2).toNanos();

	private final FakeTicker ticker = new FakeTicker();

	private final RecordingListener listener = new RecordingListener();

	private CircuitBreaker breaker(CircuitBreakerConfig.Builder config) {
		CircuitBreaker breaker = CircuitBreaker.of("inventory", config.build(), this.ticker);
		breaker.addListener(this.listener);
		return breaker;
	}

	/** Window of 10 calls, at least 4, opens at 50% failures; 3 trial calls after 60s. */
	private static CircuitBreakerConfig.Builder config() {
		return CircuitBreakerConfig.custom()
			.slidingWindowSize(10)
			.minimumNumberOfCalls(4)
			.failureRateThreshold(50)
			.slowCallDurationThreshold(Duration.ofSeconds(1))
			.waitDurationInOpenState(Duration.ofSeconds(60))
			.permittedNumberOfCallsInHalfOpenState(3);
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

	private CircuitBreaker openBreaker(CircuitBreakerConfig.Builder config) {
		CircuitBreaker breaker = breaker(config);
		breaker.transitionToOpenState();
		this.listener.transitions.clear();
		return breaker;
	}

	private CircuitBreaker halfOpenBreaker(CircuitBreakerConfig.Builder config) {
		CircuitBreaker breaker = openBreaker(config);
		this.ticker.advance(Duration.ofSeconds(60));
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
		this.listener.transitions.clear();
		return breaker;
	}

	@Test
	void startsClosedAndPermitsCalls() {
		CircuitBreaker breaker = breaker(config());
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(breaker.tryAcquirePermission()).isTrue();
		assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isZero();
	}

	@Test
	void opensAfterFailureRateReachesThreshold() {
		CircuitBreaker breaker = breaker(config());
		succeed(breaker, 2);
		fail(breaker, 1);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		fail(breaker, 1);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		assertThat(this.listener.transitions).singleElement()
			.hasToString("CircuitBreaker 'inventory' CLOSED -> OPEN: failure rate 50.0% >= 50.0% over 4 calls");
	}

	@Test
	void reasonShowsTheRateWithOneDecimal() {
		CircuitBreaker breaker = breaker(config().slidingWindowSize(8).minimumNumberOfCalls(8));
		succeed(breaker, 3);
		fail(breaker, 5);
		assertThat(this.listener.transitions).singleElement()
			.extracting(RecordingListener.Transition::reason)
			.isEqualTo("failure rate 62.5% >= 50.0% over 8 calls");
	}

	@Test
	void staysClosedBelowMinimumNumberOfCalls() {
		CircuitBreaker breaker = breaker(config());
		fail(breaker, 3);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(breaker.getMetrics().getFailureRate()).isEqualTo(-1f);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
		assertThat(this.listener.transitions).isEmpty();
	}

	@Test
	void staysClosedWhileFailureRateIsBelowThreshold() {
		CircuitBreaker breaker = breaker(config());
		succeed(breaker, 6);
		fail(breaker, 4);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(breaker.getMetrics().getFailureRate()).isEqualTo(40f);
	}

	@Test
	void opensAfterSlowCallRateReachesThreshold() {
		CircuitBreaker breaker = breaker(config().slowCallRateThreshold(75));
		breaker.onSuccess(SLOW);
		breaker.onSuccess(SLOW);
		breaker.onSuccess(0);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		breaker.onSuccess(SLOW);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		assertThat(this.listener.transitions).singleElement()
			.extracting(RecordingListener.Transition::reason)
			.isEqualTo("slow call rate 75.0% >= 75.0% over 4 calls");
	}

	@Test
	void slowCallIsOneThatTakesAtLeastTheThreshold() {
		CircuitBreaker breaker = breaker(config());
		breaker.onSuccess(Duration.ofSeconds(1).toNanos() - 1);
		breaker.onSuccess(Duration.ofSeconds(1).toNanos());
		assertThat(breaker.getMetrics().getNumberOfSlowCalls()).isEqualTo(1);
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.SUCCESS, CallOutcome.SLOW_SUCCESS);
	}

	@Test
	void slowFailureCountsAsFailureAndAsSlowCall() {
		CircuitBreaker breaker = breaker(config().slowCallRateThreshold(100));
		breaker.onError(SLOW, new IOException());
		breaker.onSuccess(0);
		breaker.onSuccess(0);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
		assertThat(breaker.getMetrics().getNumberOfSlowCalls()).isEqualTo(1);
		assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(2);
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.SLOW_FAILURE, CallOutcome.SUCCESS,
				CallOutcome.SUCCESS);
	}

	@Test
	void opensAfterConsecutiveFailures() {
		CircuitBreaker breaker = breaker(
				config().slidingWindowSize(100).minimumNumberOfCalls(100).consecutiveFailureThreshold(3));
		fail(breaker, 2);
		succeed(breaker, 1);
		fail(breaker, 2);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		fail(breaker, 1);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		assertThat(this.listener.transitions).singleElement()
			.extracting(RecordingListener.Transition::reason)
			.isEqualTo("3 consecutive failures");
	}

	@Test
	void ignoredCallsNeitherBreakNorExtendTheRunOfConsecutiveFailures() {
		CircuitBreaker breaker = breaker(config().slidingWindowSize(100)
			.minimumNumberOfCalls(100)
			.consecutiveFailureThreshold(3)
			.ignoreExceptions(List.of(IllegalStateException.class)));
		fail(breaker, 2);
		breaker.onError(0, new IllegalStateException());
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		fail(breaker, 1);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
	}

	@Test
	void consecutiveFailureThresholdZeroNeverOpensByItself() {
		CircuitBreaker breaker = breaker(config().slidingWindowSize(100).minimumNumberOfCalls(100));
		fail(breaker, 99);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
	}

	@Test
	void refusesCallsWhileOpenAndCountsThem() {
		CircuitBreaker breaker = openBreaker(config());
		assertThat(breaker.tryAcquirePermission()).isFalse();
		assertThatExceptionOfType(CallNotPermittedException.class).isThrownBy(breaker::acquirePermission)
			.satisfies((ex) -> {
				assertThat(ex.getInstanceName()).isEqualTo("inventory");
				assertThat(ex.getState()).isEqualTo("OPEN");
				assertThat(ex).hasMessage("CircuitBreaker 'inventory' is OPEN and does not permit calls");
			});
		assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(2);
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.NOT_PERMITTED, CallOutcome.NOT_PERMITTED);
		assertThat(this.listener.durations).containsExactly(0L, 0L);
	}

	@Test
	void staysOpenUntilTheWaitDurationHasElapsed() {
		CircuitBreaker breaker = openBreaker(config());
		this.ticker.advance(Duration.ofSeconds(60).minusNanos(1));
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		assertThat(breaker.tryAcquirePermission()).isFalse();
		assertThat(this.listener.transitions).isEmpty();
	}

	@Test
	void readingTheStateAfterTheWaitShowsHalfOpen() {
		CircuitBreaker breaker = openBreaker(config());
		this.ticker.advance(Duration.ofSeconds(60));
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
		assertThat(this.listener.transitions).singleElement()
			.hasToString("CircuitBreaker 'inventory' OPEN -> HALF_OPEN: wait duration 1m elapsed");
	}

	@Test
	void askingForPermissionAfterTheWaitMakesItHalfOpen() {
		CircuitBreaker breaker = openBreaker(config().waitDurationInOpenState(Duration.ofMillis(1500)));
		this.ticker.advance(Duration.ofMillis(1500));
		assertThat(breaker.tryAcquirePermission()).isTrue();
		assertThat(this.listener.transitions).singleElement()
			.hasToString("CircuitBreaker 'inventory' OPEN -> HALF_OPEN: wait duration 1500ms elapsed");
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
	}

	@Test
	void halfOpenPermitsExactlyTheTrialCallsAndRefusesOthers() {
		CircuitBreaker breaker = halfOpenBreaker(config());
		assertThat(breaker.tryAcquirePermission()).isTrue();
		assertThat(breaker.tryAcquirePermission()).isTrue();
		assertThat(breaker.tryAcquirePermission()).isTrue();
		assertThat(breaker.tryAcquirePermission()).isFalse();
		assertThatExceptionOfType(CallNotPermittedException.class).isThrownBy(breaker::acquirePermission)
			.extracting(CallNotPermittedException::getState)
			.isEqualTo("HALF_OPEN");
		assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(2);
	}

	@Test
	void halfOpenClosesWhenTrialCallsStayBelowThresholds() {
		CircuitBreaker breaker = halfOpenBreaker(config());
		succeed(breaker, 2);
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
		fail(breaker, 1);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(this.listener.transitions).singleElement()
			.hasToString("CircuitBreaker 'inventory' HALF_OPEN -> CLOSED: 3 trial calls: failure rate 33.3% < 50.0%");
	}

	@Test
	void halfOpenReopensWhenTrialCallsReachFailureRate() {
		CircuitBreaker breaker = halfOpenBreaker(config());
		fail(breaker, 2);
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
		succeed(breaker, 1);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		assertThat(this.listener.transitions).singleElement()
			.hasToString("CircuitBreaker 'inventory' HALF_OPEN -> OPEN: 3 trial calls: failure rate 66.7% >= 50.0%");
	}

	@Test
	void halfOpenReopensWhenTrialCallsReachSlowCallRate() {
		CircuitBreaker breaker = halfOpenBreaker(config().slowCallRateThreshold(60));
		breaker.acquirePermission();
		breaker.onSuccess(SLOW);
		breaker.acquirePermission();
		breaker.onSuccess(SLOW);
		breaker.acquirePermission();
		breaker.onSuccess(0);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		assertThat(this.listener.transitions).singleElement()
			.extracting(RecordingListener.Transition::reason)
			.isEqualTo("3 trial calls: slow call rate 66.7% >= 60.0%");
	}

	@Test
	void halfOpenReopensAtOnceOnConsecutiveFailures() {
		CircuitBreaker breaker = halfOpenBreaker(
				config().permittedNumberOfCallsInHalfOpenState(5).consecutiveFailureThreshold(2));
		succeed(breaker, 1);
		fail(breaker, 2);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		assertThat(this.listener.transitions).singleElement()
			.extracting(RecordingListener.Transition::reason)
			.isEqualTo("2 consecutive failures");
	}

	@Test
	void reopenedBreakerWaitsTheFullDurationAgain() {
		CircuitBreaker breaker = halfOpenBreaker(config());
		this.ticker.advance(Duration.ofSeconds(30));
		fail(breaker, 3);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		this.ticker.advance(Duration.ofSeconds(59));
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		this.ticker.advance(Duration.ofSeconds(1));
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
	}

	@Test
	void releasedTrialPermissionCanBeTakenAgain() {
		CircuitBreaker breaker = halfOpenBreaker(config());
		for (int i = 0; i < 3; i++) {
			assertThat(breaker.tryAcquirePermission()).isTrue();
		}
		assertThat(breaker.tryAcquirePermission()).isFalse();
		breaker.releasePermission();
		assertThat(breaker.tryAcquirePermission()).isTrue();
		assertThat(breaker.tryAcquirePermission()).isFalse();
	}

	@Test
	void releasingMorePermissionsThanTakenNeverExceedsTheTrialCalls() {
		CircuitBreaker breaker = halfOpenBreaker(config());
		breaker.releasePermission();
		breaker.releasePermission();
		int admitted = 0;
		while (breaker.tryAcquirePermission()) {
			admitted++;
		}
		assertThat(admitted).isEqualTo(3);
	}

	@Test
	void ignoredTrialCallGivesItsPermissionBack() {
		CircuitBreaker breaker = halfOpenBreaker(config().ignoreExceptions(List.of(IllegalStateException.class)));
		for (int i = 0; i < 3; i++) {
			assertThat(breaker.tryAcquirePermission()).isTrue();
		}
		breaker.onError(0, new IllegalStateException());
		assertThat(breaker.tryAcquirePermission()).isTrue();
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
	}

	@Test
	void eachTransitionStartsAFreshWindow() {
		CircuitBreaker breaker = breaker(config());
		succeed(breaker, 2);
		fail(breaker, 2);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		this.ticker.advance(Duration.ofSeconds(60));
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		succeed(breaker, 3);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		assertThat(breaker.getMetrics().getFailureRate()).isEqualTo(-1f);
		fail(breaker, 3);
		assertThat(breaker.getState()).as("three failures alone are below the minimum of four").isEqualTo(State.CLOSED);
	}

	@Test
	void openBreakerShowsTheWindowThatOpenedIt() {
		CircuitBreaker breaker = breaker(config());
		succeed(breaker, 1);
		fail(breaker, 3);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		assertThat(breaker.getMetrics().getFailureRate()).isEqualTo(75f);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(4);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
	}

	@Test
	void callsEndingWhileOpenAreNotRecorded() {
		CircuitBreaker breaker = breaker(config());
		breaker.acquirePermission();
		breaker.transitionToOpenState();
		breaker.onError(0, new IOException());
		this.ticker.advance(Duration.ofSeconds(60));
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@Test
	void forcedOpenRefusesEveryCallEvenAfterTheWait() {
		CircuitBreaker breaker = breaker(config());
		breaker.transitionToForcedOpenState();
		this.ticker.advance(Duration.ofHours(1));
		assertThat(breaker.getState()).isEqualTo(State.FORCED_OPEN);
		assertThatExceptionOfType(CallNotPermittedException.class).isThrownBy(breaker::acquirePermission)
			.extracting(CallNotPermittedException::getState)
			.isEqualTo("FORCED_OPEN");
		assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
		breaker.transitionToClosedState();
		assertThat(breaker.tryAcquirePermission()).isTrue();
		assertThat(this.listener.transitions).extracting(RecordingListener.Transition::toString)
			.containsExactly("CircuitBreaker 'inventory' CLOSED -> FORCED_OPEN: manual",
					"CircuitBreaker 'inventory' FORCED_OPEN -> CLOSED: manual");
	}

	@Test
	void disabledPermitsEveryCallAndRecordsNothing() {
		CircuitBreaker breaker = breaker(config().consecutiveFailureThreshold(1));
		breaker.transitionToDisabledState();
		fail(breaker, 50);
		assertThat(breaker.getState()).isEqualTo(State.DISABLED);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(breaker.getMetrics().getFailureRate()).isEqualTo(-1f);
		assertThat(this.listener.transitions).singleElement()
			.hasToString("CircuitBreaker 'inventory' CLOSED -> DISABLED: manual");
	}

	@Test
	void manualTransitionsReachEveryState() {
		CircuitBreaker breaker = breaker(config());
		breaker.transitionToOpenState();
		breaker.transitionToHalfOpenState();
		breaker.transitionToForcedOpenState();
		breaker.transitionToDisabledState();
		breaker.transitionToClosedState();
		assertThat(this.listener.transitions).extracting(RecordingListener.Transition::to)
			.containsExactly(State.OPEN, State.HALF_OPEN, State.FORCED_OPEN, State.DISABLED, State.CLOSED);
		assertThat(this.listener.transitions).extracting(RecordingListener.Transition::reason).containsOnly("manual");
	}

	@Test
	void manualTransitionToTheCurrentStateChangesNothing() {
		CircuitBreaker breaker = breaker(config());
		fail(breaker, 2);
		breaker.transitionToClosedState();
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
		assertThat(this.listener.transitions).isEmpty();
	}

	@Test
	void manualHalfOpenAdmitsTheTrialCalls() {
		CircuitBreaker breaker = breaker(config());
		breaker.transitionToHalfOpenState();
		succeed(breaker, 3);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
	}

	@Test
	void resetClosesWithAnEmptyWindowAndNoRefusals() {
		CircuitBreaker breaker = breaker(config());
		fail(breaker, 4);
		assertThat(breaker.tryAcquirePermission()).isFalse();
		breaker.reset();
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isZero();
		assertThat(this.listener.transitions).extracting(RecordingListener.Transition::toString)
			.containsExactly("CircuitBreaker 'inventory' CLOSED -> OPEN: failure rate 100.0% >= 50.0% over 4 calls",
					"CircuitBreaker 'inventory' OPEN -> CLOSED: reset");
	}

	@Test
	void resetOfAClosedBreakerEmptiesTheWindowSilently() {
		CircuitBreaker breaker = breaker(config());
		fail(breaker, 3);
		breaker.reset();
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		fail(breaker, 3);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(this.listener.transitions).isEmpty();
	}

	@Test
	void rejectsABlankName() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> CircuitBreaker.of(" ", CircuitBreakerConfig.ofDefaults(), this.ticker))
			.withMessageContaining("name");
	}

	@Test
	void exposesNameAndConfig() {
		CircuitBreakerConfig config = config().build();
		CircuitBreaker breaker = CircuitBreaker.of("payments", config, this.ticker);
		assertThat(breaker.getName()).isEqualTo("payments");
		assertThat(breaker.getConfig()).isSameAs(config);
	}

}
