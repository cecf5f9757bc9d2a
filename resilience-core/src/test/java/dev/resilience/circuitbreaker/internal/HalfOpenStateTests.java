package dev.resilience.circuitbreaker.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CircuitBreaker.Permission;
import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The half-open state on its own: how many trial permits it hands out, where their
 * outcomes and releases go, and the one verdict after its last trial call. The state
 * objects are taken from a real breaker, so the transitions they ask for are the
 * breaker's compare-and-sets.
 */
class HalfOpenStateTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Duration MAX_WAIT = Duration.ofSeconds(5);

	private final FakeTicker ticker = new FakeTicker();

	private final Transitions transitions = new Transitions();

	private CircuitBreakerStateMachine breaker(int trialCalls) {
		return breaker(CircuitBreakerConfig.custom().permittedNumberOfCallsInHalfOpenState(trialCalls));
	}

	private CircuitBreakerStateMachine breaker(CircuitBreakerConfig.Builder config) {
		CircuitBreakerConfig built = config.waitDurationInOpenState(WAIT)
			.failureRateThreshold(50)
			.ignoreExceptions(List.of(IllegalArgumentException.class))
			.build();
		CircuitBreakerStateMachine breaker = new CircuitBreakerStateMachine("trial", built, this.ticker);
		breaker.addListener(this.transitions);
		return breaker;
	}

	/**
	 * Opens the breaker by hand and lets its wait elapse: a new half-open state each
	 * time.
	 */
	private HalfOpenState halfOpen(CircuitBreakerStateMachine breaker) {
		breaker.transitionToOpenState();
		this.ticker.advance(WAIT);
		BreakerState state = breaker.currentState();
		assertThat(state).isInstanceOf(HalfOpenState.class);
		return (HalfOpenState) state;
	}

	@Test
	void handsOutExactlyThePermittedNumberOfTrialPermits() {
		CircuitBreakerStateMachine breaker = breaker(3);
		HalfOpenState halfOpen = halfOpen(breaker);
		List<Admission> permits = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			permits.add(halfOpen.admit());
		}
		assertThat(permits).doesNotContainNull().doesNotHaveDuplicates();
		assertThat(permits).allSatisfy((permit) -> assertThat(permit).isNotSameAs(halfOpen));
		assertThat(halfOpen.availablePermits()).isZero();
		assertThat(halfOpen.admit()).as("a fourth trial call").isNull();
		assertThat(halfOpen.tryAcquirePermission()).isFalse();
		assertThat(breaker.tryAdmit()).isNull();
		assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).as("only the breaker counts refusals")
			.isEqualTo(1);
	}

	@Test
	void releasedTrialPermitCanBeTakenAgainButOnlyOnce() {
		CircuitBreakerStateMachine breaker = breaker(2);
		HalfOpenState halfOpen = halfOpen(breaker);
		Admission first = halfOpen.admit();
		halfOpen.admit();
		first.release();
		first.release();
		first.onSuccess(0);
		assertThat(halfOpen.availablePermits()).as("one permit back, however often it is given back").isEqualTo(1);
		assertThat(halfOpen.counts().bufferedCalls()).as("a released permit records nothing").isZero();
		assertThat(halfOpen.admit()).isNotNull();
		assertThat(halfOpen.admit()).isNull();
	}

	@Test
	void ignoredExceptionGivesTheTrialPermitBack() {
		CircuitBreakerStateMachine breaker = breaker(1);
		HalfOpenState halfOpen = halfOpen(breaker);
		Admission permit = halfOpen.admit();
		permit.onError(0, new IllegalArgumentException("ignored"));
		assertThat(halfOpen.availablePermits()).isEqualTo(1);
		assertThat(halfOpen.counts().bufferedCalls()).isZero();
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
	}

	@Test
	void lateOutcomeOfATrialCallFromAPreviousHalfOpenStateCountsNowhere() {
		CircuitBreakerStateMachine breaker = breaker(2);
		HalfOpenState previous = halfOpen(breaker);
		Admission lateFailure = previous.admit();
		Admission lateSuccess = previous.admit();
		HalfOpenState current = halfOpen(breaker);
		assertThat(current).isNotSameAs(previous);
		lateFailure.onError(0, new IOException("late"));
		lateSuccess.onSuccess(0);
		assertThat(breaker.currentState()).isSameAs(current);
		assertThat(current.counts().bufferedCalls()).isZero();
		assertThat(previous.counts().bufferedCalls()).as("its state was left before it ended").isZero();
		assertThat(current.availablePermits()).isEqualTo(2);
	}

	@Test
	void releaseGivesThePermitBackOnlyToTheStateThatHandedItOut() {
		CircuitBreakerStateMachine breaker = breaker(1);
		HalfOpenState previous = halfOpen(breaker);
		Admission stale = previous.admit();
		HalfOpenState current = halfOpen(breaker);
		Admission own = current.admit();
		assertThat(own).isNotNull();
		stale.release();
		stale.onError(0, new IllegalArgumentException("ignored, late"));
		assertThat(current.availablePermits()).as("the current state's one permit is still out").isZero();
		assertThat(current.admit()).isNull();
		assertThat(previous.availablePermits()).as("a state that was left takes nothing back").isZero();
		own.release();
		assertThat(current.availablePermits()).isEqualTo(1);
	}

	@Test
	void closesAfterTheLastTrialCallWhenTheRatesStayBelowTheThresholds() {
		CircuitBreakerStateMachine breaker = breaker(3);
		HalfOpenState halfOpen = halfOpen(breaker);
		Admission first = halfOpen.admit();
		Admission second = halfOpen.admit();
		Admission third = halfOpen.admit();
		first.onSuccess(0);
		second.onError(0, new IOException());
		assertThat(breaker.currentState()).as("two of three trial calls recorded").isSameAs(halfOpen);
		third.onSuccess(0);
		assertThat(breaker.currentState()).isInstanceOf(ClosedState.class);
		assertThat(this.transitions.heard).last()
			.isEqualTo("HALF_OPEN -> CLOSED: 3 trial calls: failure rate 33.3% < 50.0%");
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).as("the closed state's fresh window").isZero();
	}

	@Test
	void reopensAfterTheLastTrialCallWhenTheFailureRateReachesTheThreshold() {
		CircuitBreakerStateMachine breaker = breaker(2);
		HalfOpenState halfOpen = halfOpen(breaker);
		Admission first = halfOpen.admit();
		Admission second = halfOpen.admit();
		first.onError(0, new IOException());
		assertThat(breaker.currentState()).isSameAs(halfOpen);
		second.onSuccess(0);
		assertThat(breaker.currentState()).isInstanceOf(OpenState.class);
		assertThat(this.transitions.heard).last()
			.isEqualTo("HALF_OPEN -> OPEN: 2 trial calls: failure rate 50.0% >= 50.0%");
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).as("the open state shows the trial calls")
			.isEqualTo(1);
	}

	@Test
	void reopensOnConsecutiveFailuresBeforeTheLastTrialCall() {
		CircuitBreakerStateMachine breaker = breaker(
				CircuitBreakerConfig.custom().permittedNumberOfCallsInHalfOpenState(5).consecutiveFailureThreshold(2));
		HalfOpenState halfOpen = halfOpen(breaker);
		halfOpen.admit().onError(0, new IOException());
		halfOpen.admit().onSuccess(0);
		halfOpen.admit().onError(0, new IOException());
		assertThat(breaker.currentState()).as("a success broke the run").isSameAs(halfOpen);
		halfOpen.admit().onError(0, new IOException());
		assertThat(breaker.currentState()).isInstanceOf(OpenState.class);
		assertThat(this.transitions.heard).last().isEqualTo("HALF_OPEN -> OPEN: 2 consecutive failures");
	}

	@Test
	void reopensWhenItsMaxWaitElapsesMeasuredByTheTicker() {
		CircuitBreakerStateMachine breaker = breaker(CircuitBreakerConfig.custom()
			.permittedNumberOfCallsInHalfOpenState(1)
			.maxWaitDurationInHalfOpenState(MAX_WAIT));
		HalfOpenState halfOpen = halfOpen(breaker);
		Admission slow = halfOpen.admit();
		this.ticker.advance(MAX_WAIT.minusNanos(1));
		assertThat(halfOpen.maxWaitElapsed()).isFalse();
		assertThat(breaker.currentState()).isSameAs(halfOpen);
		this.ticker.advanceNanos(1);
		assertThat(halfOpen.maxWaitElapsed()).isTrue();
		assertThat(breaker.currentState()).isInstanceOf(OpenState.class);
		assertThat(this.transitions.heard).last()
			.isEqualTo("HALF_OPEN -> OPEN: max wait duration in half-open state 5s elapsed");
		int heard = this.transitions.heard.size();
		slow.onSuccess(MAX_WAIT.toNanos());
		assertThat(this.transitions.heard).as("the late trial call changes nothing").hasSize(heard);
		assertThat(breaker.currentState()).isInstanceOf(OpenState.class);
	}

	@Test
	void trialCallEndingAfterTheMaxWaitReopensEvenBeforeTheStateIsRead() {
		CircuitBreakerStateMachine breaker = breaker(CircuitBreakerConfig.custom()
			.permittedNumberOfCallsInHalfOpenState(1)
			.maxWaitDurationInHalfOpenState(MAX_WAIT));
		HalfOpenState halfOpen = halfOpen(breaker);
		Admission slow = halfOpen.admit();
		this.ticker.advance(MAX_WAIT);
		slow.onSuccess(MAX_WAIT.toNanos());
		assertThat(this.transitions.heard).last()
			.as("a success that would have closed it arrived too late")
			.isEqualTo("HALF_OPEN -> OPEN: max wait duration in half-open state 5s elapsed");
		assertThat(halfOpen.counts().bufferedCalls()).isZero();
	}

	@Test
	void threadsRacingTheLastTrialOutcomesMakeExactlyOneTransition() throws Exception {
		int trialCalls = 4;
		for (int round = 0; round < 200; round++) {
			this.transitions.heard.clear();
			CircuitBreakerStateMachine breaker = breaker(trialCalls);
			HalfOpenState halfOpen = halfOpen(breaker);
			this.transitions.heard.clear();
			boolean failing = round % 2 == 0;
			CyclicBarrier start = new CyclicBarrier(trialCalls);
			List<Thread> threads = new ArrayList<>();
			for (int i = 0; i < trialCalls; i++) {
				Admission permit = halfOpen.admit();
				boolean fails = failing && i < trialCalls / 2;
				Thread thread = new Thread(() -> {
					await(start);
					if (fails) {
						permit.onError(0, new IOException());
					}
					else {
						permit.onSuccess(0);
					}
				});
				thread.start();
				threads.add(thread);
			}
			for (Thread thread : threads) {
				thread.join(TimeUnit.SECONDS.toMillis(10));
				assertThat(thread.isAlive()).isFalse();
			}
			assertThat(this.transitions.heard).as("round %d", round)
				.singleElement()
				.asString()
				.startsWith(failing ? "HALF_OPEN -> OPEN: 4 trial calls" : "HALF_OPEN -> CLOSED: 4 trial calls");
			assertThat(breaker.currentState()).isNotSameAs(halfOpen);
		}
	}

	@Test
	void trialPermitIsTiedToItsStateNotToTheBreaker() {
		CircuitBreakerStateMachine breaker = breaker(1);
		HalfOpenState halfOpen = halfOpen(breaker);
		Permission permit = breaker.tryAdmit();
		assertThat(permit).isInstanceOf(HalfOpenState.TrialPermit.class);
		breaker.transitionToClosedState();
		permit.onError(0, new IOException("late"));
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(halfOpen.counts().bufferedCalls()).isZero();
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
