package dev.resilience.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A half-open breaker's trial permits under attack: callers that cancel, complete or time
 * out the stage they were handed, calls that throw an {@code Error} or are interrupted,
 * listeners that throw, and many threads ending late calls while others ask for trial
 * permits. A trial permit is held exactly as long as the call it admitted, and always
 * comes back or is recorded.
 */
class TrialPermitAdversarialTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final FakeTicker ticker = new FakeTicker();

	private CircuitBreaker breaker(int trialCalls) {
		return CircuitBreaker.of("trial",
				CircuitBreakerConfig.custom()
					.waitDurationInOpenState(WAIT)
					.permittedNumberOfCallsInHalfOpenState(trialCalls)
					.ignoreExceptions(List.of(IllegalArgumentException.class))
					.build(),
				this.ticker);
	}

	private void halfOpen(CircuitBreaker breaker) {
		breaker.transitionToOpenState();
		this.ticker.advance(WAIT);
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
	}

	private static boolean admitsAnAsyncCall(CircuitBreaker breaker) {
		CompletionStage<String> stage = breaker.executeAsync((ignored) -> new CompletableFuture<String>(), null);
		return !stage.toCompletableFuture().isCompletedExceptionally();
	}

	@Test
	void trialPermitIsHeldUntilTheMethodsOwnStageCompletesWhenTheCallerCancelsTheStageItWasHanded() {
		CircuitBreaker breaker = breaker(1);
		halfOpen(breaker);
		CompletableFuture<String> own = new CompletableFuture<>();
		CompletionStage<String> handed = breaker.executeAsync((ignored) -> own, null);
		assertThat(handed.toCompletableFuture().cancel(true)).isTrue();
		assertThat(admitsAnAsyncCall(breaker)).as("a second call while the trial call still runs").isFalse();
		own.complete("done");
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
	}

	@Test
	void callerCompletingTheStageItWasHandedDoesNotRecordTheCall() {
		CircuitBreaker breaker = breaker(1);
		halfOpen(breaker);
		CompletableFuture<String> own = new CompletableFuture<>();
		CompletionStage<String> handed = breaker.executeAsync((ignored) -> own, null);
		handed.toCompletableFuture().completeExceptionally(new IOException("the caller's, not the call's"));
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
		assertThat(admitsAnAsyncCall(breaker)).isFalse();
		own.complete("done");
		assertThat(breaker.getState()).as("the call's own outcome, a success").isEqualTo(State.CLOSED);
	}

	@Test
	void callerTimingOutTheStageItWasHandedDoesNotFreeTheTrialPermit() {
		CircuitBreaker breaker = breaker(1);
		halfOpen(breaker);
		CompletableFuture<String> own = new CompletableFuture<>();
		CompletableFuture<String> handed = breaker.executeAsync((ignored) -> own, null).toCompletableFuture();
		// A real timeout is the point here: the caller's own deadline, not the breaker's
		// clock.
		CompletableFuture<String> timedOut = handed.orTimeout(1, TimeUnit.MILLISECONDS);
		assertThatThrownBy(timedOut::join).hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
		assertThat(admitsAnAsyncCall(breaker)).isFalse();
		own.completeExceptionally(new IOException("failed"));
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
	}

	@Test
	void trialCallReturningAStageThatRefusesACallbackIsRecordedAndItsPermitNotLost() {
		CircuitBreaker breaker = breaker(1);
		halfOpen(breaker);
		IllegalStateException refused = new IllegalStateException("this stage takes no callbacks");
		CompletableFuture<String> own = new CompletableFuture<>() {

			@Override
			public CompletableFuture<String> whenComplete(BiConsumer<? super String, ? super Throwable> action) {
				throw refused;
			}

		};
		CompletionStage<String> handed = breaker.executeAsync((ignored) -> own, null);
		assertThat(handed.toCompletableFuture().isCompletedExceptionally()).isTrue();
		assertThat(catchThrowable(() -> handed.toCompletableFuture().join())).hasCauseReference(refused);
		assertThat(breaker.getState()).as("the trial call was recorded as a failure, not left holding its permit")
			.isEqualTo(State.OPEN);
	}

	@Test
	void errorThrownByATrialCallIsRecordedAsAFailure() {
		CircuitBreaker breaker = breaker(1);
		halfOpen(breaker);
		assertThatExceptionOfType(StackOverflowError.class).isThrownBy(() -> breaker.executeSupplier(() -> {
			throw new StackOverflowError("deep");
		}));
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
	}

	@Test
	void listenerThrowingAnErrorDoesNotLoseTheTrialCall() {
		CircuitBreaker breaker = breaker(1);
		halfOpen(breaker);
		breaker.addListener(new CircuitBreakerListener() {

			@Override
			public void onCallRecorded(CircuitBreaker breaker, CallOutcome outcome, long durationNanos) {
				if (outcome != CallOutcome.NOT_PERMITTED) {
					throw new OutOfMemoryError("listener");
				}
			}

		});
		assertThatExceptionOfType(OutOfMemoryError.class).isThrownBy(() -> breaker.executeSupplier(() -> "ok"));
		assertThat(breaker.getState()).as("the trial call was recorded all the same").isEqualTo(State.CLOSED);
	}

	@Test
	void listenerThrowingAnErrorOnAnIgnoredTrialCallStillGivesThePermitBack() {
		CircuitBreaker breaker = breaker(1);
		halfOpen(breaker);
		breaker.addListener(new CircuitBreakerListener() {

			@Override
			public void onCallRecorded(CircuitBreaker breaker, CallOutcome outcome, long durationNanos) {
				if (outcome == CallOutcome.IGNORED) {
					throw new OutOfMemoryError("listener");
				}
			}

		});
		assertThatExceptionOfType(OutOfMemoryError.class).isThrownBy(() -> breaker.executeSupplier(() -> {
			throw new IllegalArgumentException("ignored");
		}));
		assertThat(breaker.executeSupplier(() -> "ok")).isEqualTo("ok");
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
	}

	@Test
	void interruptedTrialCallIsRecordedAndItsThreadStaysInterrupted() {
		CircuitBreaker breaker = breaker(1);
		halfOpen(breaker);
		try {
			assertThatExceptionOfType(InterruptedException.class).isThrownBy(() -> breaker.executeCallable(() -> {
				Thread.currentThread().interrupt();
				throw new InterruptedException("interrupted");
			}));
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
	}

	@Test
	void halfOpenAdmitsExactlyItsTrialCallsWhileManyLateCallsEndWithIgnoredExceptions() throws Exception {
		int trialCalls = 3;
		int threads = 8;
		for (int round = 0; round < 50; round++) {
			CircuitBreaker breaker = breaker(trialCalls);
			List<CompletableFuture<String>> late = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				CompletableFuture<String> pending = new CompletableFuture<>();
				breaker.executeAsync((ignored) -> pending, null);
				late.add(pending);
			}
			halfOpen(breaker);
			AtomicInteger admitted = new AtomicInteger();
			CyclicBarrier start = new CyclicBarrier(threads);
			List<Thread> workers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int worker = t;
				Thread thread = new Thread(() -> {
					try {
						start.await();
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
					for (int i = worker; i < late.size(); i += threads) {
						if (worker % 2 == 0) {
							late.get(i).completeExceptionally(new IllegalArgumentException("ignored, and late"));
						}
						else if (breaker.tryAdmit() != null) {
							// Held, never ended: only the ones this half-open state
							// handed out may exist.
							admitted.incrementAndGet();
						}
					}
				});
				workers.add(thread);
				thread.start();
			}
			for (Thread worker : workers) {
				worker.join();
			}
			assertThat(admitted).as("trial calls admitted in round %d", round).hasValue(trialCalls);
		}
	}

}
