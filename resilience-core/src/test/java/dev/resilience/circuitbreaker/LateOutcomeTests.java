package dev.resilience.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A breaker records each call in the state that admitted it: an outcome that arrives
 * after the breaker left that state (opened, went half-open, was reset, forced open,
 * disabled) is dropped, and an ignored exception gives a permit back only to the
 * half-open state that handed it out. Every scenario runs a blocked {@code execute} on
 * its own thread and a pending {@code executeAsync} stage, and expects the same.
 */
class LateOutcomeTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final FakeTicker ticker = new FakeTicker();

	private final RecordingListener listener = new RecordingListener();

	private CircuitBreaker breaker(int trialCalls) {
		CircuitBreaker breaker = CircuitBreaker.of("late",
				CircuitBreakerConfig.custom()
					.slidingWindowSize(4)
					.minimumNumberOfCalls(2)
					.failureRateThreshold(50)
					.waitDurationInOpenState(WAIT)
					.permittedNumberOfCallsInHalfOpenState(trialCalls)
					.ignoreExceptions(List.of(IllegalArgumentException.class))
					.build(),
				this.ticker);
		breaker.addListener(this.listener);
		return breaker;
	}

	private void openThenHalfOpen(CircuitBreaker breaker) {
		breaker.transitionToOpenState();
		this.ticker.advance(WAIT);
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void lateSuccessOfACallAdmittedWhileClosedIsNotCountedAsATrialCall(Mode mode) {
		CircuitBreaker breaker = breaker(1);
		PendingCall late = mode.start(breaker);
		openThenHalfOpen(breaker);
		late.succeed();
		assertThat(breaker.getState()).as("no trial call was made").isEqualTo(State.HALF_OPEN);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		assertThat(mode.start(breaker).admitted).as("the one trial permit is still free").isTrue();
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void lateFailureOfACallAdmittedWhileClosedDoesNotReopenAHalfOpenBreaker(Mode mode) {
		CircuitBreaker breaker = breaker(1);
		PendingCall late = mode.start(breaker);
		openThenHalfOpen(breaker);
		late.fail(new IOException("late"));
		assertThat(breaker.getState()).as("no trial call was made").isEqualTo(State.HALF_OPEN);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void lateIgnoredExceptionDoesNotHandBackAPermitTheHalfOpenStateNeverGaveOut(Mode mode) {
		CircuitBreaker breaker = breaker(2);
		PendingCall late = mode.start(breaker);
		openThenHalfOpen(breaker);
		PendingCall firstTrial = mode.start(breaker);
		PendingCall secondTrial = mode.start(breaker);
		assertThat(firstTrial.admitted && secondTrial.admitted).isTrue();
		late.fail(new IllegalArgumentException("ignored"));
		PendingCall third = mode.start(breaker);
		assertThat(third.admitted).as("a third call while both trial calls are out").isFalse();
		firstTrial.succeed();
		secondTrial.succeed();
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void lateOutcomeOfACallFromAClosedWindowThatOpenedIsNotRecordedIntoTheNextClosedWindow(Mode mode) {
		CircuitBreaker breaker = breaker(1);
		PendingCall late = mode.start(breaker);
		openThenHalfOpen(breaker);
		mode.start(breaker).succeed();
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		late.fail(new IOException("late"));
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).as("calls in the new closed window").isZero();
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void callAdmittedInTheSameClosedWindowIsRecordedWhenItEnds(Mode mode) {
		CircuitBreaker breaker = breaker(1);
		PendingCall slow = mode.start(breaker);
		mode.start(breaker).fail(new IOException("first"));
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		slow.fail(new IOException("second"));
		assertThat(breaker.getState()).as("2 failures of 2 calls in one window").isEqualTo(State.OPEN);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void lateOutcomeOfACallAdmittedBeforeAResetIsNotRecordedIntoTheFreshWindow(Mode mode) {
		CircuitBreaker breaker = breaker(1);
		PendingCall late = mode.start(breaker);
		breaker.reset();
		late.fail(new IOException("late"));
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void lateOutcomeOfACallAdmittedWhileDisabledIsNotRecordedAfterClosing(Mode mode) {
		CircuitBreaker breaker = breaker(1);
		breaker.transitionToDisabledState();
		PendingCall late = mode.start(breaker);
		breaker.transitionToClosedState();
		late.fail(new IOException("late"));
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void lateOutcomeOfATrialCallIsNotCountedByALaterHalfOpenState(Mode mode) {
		CircuitBreaker breaker = breaker(1);
		openThenHalfOpen(breaker);
		PendingCall oldTrial = mode.start(breaker);
		breaker.transitionToForcedOpenState();
		breaker.transitionToHalfOpenState();
		oldTrial.succeed();
		assertThat(breaker.getState()).as("the new half-open state made no trial call").isEqualTo(State.HALF_OPEN);
		assertThat(mode.start(breaker).admitted).isTrue();
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void lateIgnoredTrialCallDoesNotHandBackAPermitToALaterHalfOpenState(Mode mode) {
		CircuitBreaker breaker = breaker(1);
		openThenHalfOpen(breaker);
		PendingCall oldTrial = mode.start(breaker);
		breaker.transitionToOpenState();
		breaker.transitionToHalfOpenState();
		PendingCall newTrial = mode.start(breaker);
		assertThat(newTrial.admitted).isTrue();
		oldTrial.fail(new IllegalArgumentException("ignored"));
		assertThat(mode.start(breaker).admitted).as("a second call while the one trial call is out").isFalse();
		newTrial.succeed();
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void ignoredTrialCallHandsItsPermitBackToTheHalfOpenStateThatGaveItOut(Mode mode) {
		CircuitBreaker breaker = breaker(1);
		openThenHalfOpen(breaker);
		mode.start(breaker).fail(new IllegalArgumentException("ignored"));
		PendingCall trial = mode.start(breaker);
		assertThat(trial.admitted).isTrue();
		trial.succeed();
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
	}

	/** A call admitted (or refused) and left running until the test ends it. */
	abstract static class PendingCall {

		final boolean admitted;

		PendingCall(boolean admitted) {
			this.admitted = admitted;
		}

		abstract void succeed();

		abstract void fail(Exception failure);

	}

	enum Mode {

		/**
		 * {@code execute} on its own thread, blocked inside the call until the test ends
		 * it.
		 */
		EXECUTE {
			@Override
			PendingCall start(CircuitBreaker breaker) {
				CompletableFuture<Boolean> admitted = new CompletableFuture<>();
				CountDownLatch release = new CountDownLatch(1);
				Exception[] failure = new Exception[1];
				Thread thread = new Thread(() -> {
					try {
						breaker.execute((ignored) -> {
							admitted.complete(true);
							release.await();
							if (failure[0] != null) {
								throw failure[0];
							}
							return "ok";
						}, null);
					}
					catch (CallNotPermittedException ex) {
						admitted.complete(false);
					}
					catch (Throwable ex) {
						// The failure the test asked for.
					}
				});
				thread.start();
				boolean wasAdmitted = admitted.join();
				return new PendingCall(wasAdmitted) {

					@Override
					void succeed() {
						end(null);
					}

					@Override
					void fail(Exception error) {
						end(error);
					}

					private void end(Exception error) {
						failure[0] = error;
						release.countDown();
						try {
							thread.join();
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
							throw new IllegalStateException(ex);
						}
					}

				};
			}
		},

		/** {@code executeAsync} returning a stage the test completes later. */
		EXECUTE_ASYNC {
			@Override
			PendingCall start(CircuitBreaker breaker) {
				CompletableFuture<String> pending = new CompletableFuture<>();
				CompletionStage<String> stage = breaker.executeAsync((ignored) -> pending, null);
				boolean refused = stage.toCompletableFuture().isCompletedExceptionally();
				return new PendingCall(!refused) {

					@Override
					void succeed() {
						pending.complete("ok");
					}

					@Override
					void fail(Exception failure) {
						pending.completeExceptionally(failure);
					}

				};
			}
		};

		abstract PendingCall start(CircuitBreaker breaker);

	}

}
