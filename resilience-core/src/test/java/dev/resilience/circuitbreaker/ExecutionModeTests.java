package dev.resilience.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.testing.ExecutionMode;
import dev.resilience.testing.FakeTicker;
import dev.resilience.testing.InEveryExecutionMode;
import dev.resilience.testing.Outcome;
import dev.resilience.testing.Script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The same scenarios through every {@link ExecutionMode}: {@code execute},
 * {@code executeSupplier}, {@code executeCallable} (synchronous) and
 * {@code executeAsync}, {@code executeCompletionStage} (asynchronous, with a stage
 * already complete, a throw before any stage, or a {@link CompletableFuture} completed
 * after the call returned it). Each must end with the same result and the same recorded
 * outcome.
 */
class ExecutionModeTests {

	private final FakeTicker ticker = new FakeTicker();

	private final RecordingListener listener = new RecordingListener();

	private final CircuitBreaker breaker = CircuitBreaker.of("modes",
			CircuitBreakerConfig.custom()
				.slidingWindowSize(4)
				.minimumNumberOfCalls(4)
				.failureRateThreshold(50)
				.slowCallDurationThreshold(Duration.ofSeconds(1))
				.waitDurationInOpenState(Duration.ofSeconds(10))
				.permittedNumberOfCallsInHalfOpenState(2)
				.ignoreExceptions(List.of(IllegalArgumentException.class))
				.build(),
			this.ticker);

	ExecutionModeTests() {
		this.breaker.addListener(this.listener);
	}

	/**
	 * A downstream call that returns {@code "ok"}; each test scripts its failures and
	 * time.
	 */
	private static Script downstream() {
		return Script.of("ok");
	}

	/** A downstream call that always fails with {@code failure}. */
	private static Script failingWith(RuntimeException failure) {
		return Script.alwaysFailing(failure);
	}

	@InEveryExecutionMode
	void returnsTheResultAndRecordsASuccess(ExecutionMode mode) {
		Script downstream = downstream();
		Outcome result = mode.run(this.breaker, downstream);
		assertThat(result.value()).isEqualTo("ok");
		assertThat(result.failure()).isNull();
		assertThat(downstream.invocations()).isEqualTo(1);
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.SUCCESS);
		assertThat(this.breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
	}

	@InEveryExecutionMode
	void passesOnTheSameExceptionAndRecordsAFailure(ExecutionMode mode) {
		IllegalStateException failure = new IllegalStateException("downstream down");
		Outcome result = mode.run(this.breaker, failingWith(failure));
		assertThat(result.failure()).isSameAs(failure);
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.FAILURE);
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@InEveryExecutionMode
	void measuresTheCallWithTheTicker(ExecutionMode mode) {
		mode.run(this.breaker, downstream().taking(Duration.ofMillis(1500), this.ticker));
		mode.run(this.breaker, failingWith(new IllegalStateException()).taking(Duration.ofMillis(20), this.ticker));
		assertThat(this.listener.durations).containsExactly(Duration.ofMillis(1500).toNanos(),
				Duration.ofMillis(20).toNanos());
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.SLOW_SUCCESS, CallOutcome.FAILURE);
		assertThat(this.breaker.getMetrics().getNumberOfSlowCalls()).isEqualTo(1);
	}

	@InEveryExecutionMode
	void refusesWithoutCallingWhileOpen(ExecutionMode mode) {
		this.breaker.transitionToOpenState();
		Script downstream = downstream();
		Outcome result = mode.run(this.breaker, downstream);
		assertThat(result.failure()).isInstanceOf(CallNotPermittedException.class)
			.hasMessage("CircuitBreaker 'modes' is OPEN and does not permit calls");
		assertThat(downstream.invocations()).isEqualTo(0);
		assertThat(this.breaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.NOT_PERMITTED);
	}

	@InEveryExecutionMode
	void opensAfterFailingCallsAndThenRefuses(ExecutionMode mode) {
		mode.run(this.breaker, downstream());
		mode.run(this.breaker, failingWith(new IllegalStateException()));
		mode.run(this.breaker, downstream());
		assertThat(this.breaker.getState()).isEqualTo(State.CLOSED);
		mode.run(this.breaker, failingWith(new IllegalStateException()));
		assertThat(this.breaker.getState()).isEqualTo(State.OPEN);
		Script refused = downstream();
		assertThat(mode.run(this.breaker, refused).failure()).isInstanceOf(CallNotPermittedException.class);
		assertThat(refused.invocations()).isEqualTo(0);
	}

	@InEveryExecutionMode
	void trialCallsAfterTheWaitCloseTheBreaker(ExecutionMode mode) {
		this.breaker.transitionToOpenState();
		this.ticker.advance(Duration.ofSeconds(10));
		assertThat(mode.run(this.breaker, downstream()).value()).isEqualTo("ok");
		assertThat(this.breaker.getState()).isEqualTo(State.HALF_OPEN);
		mode.run(this.breaker, downstream());
		assertThat(this.breaker.getState()).isEqualTo(State.CLOSED);
	}

	@InEveryExecutionMode
	void failingTrialCallsReopenTheBreaker(ExecutionMode mode) {
		this.breaker.transitionToHalfOpenState();
		mode.run(this.breaker, failingWith(new IllegalStateException()));
		mode.run(this.breaker, downstream());
		assertThat(this.breaker.getState()).isEqualTo(State.OPEN);
	}

	@InEveryExecutionMode
	void ignoredExceptionIsPassedOnButNotCounted(ExecutionMode mode) {
		IllegalArgumentException ignored = new IllegalArgumentException("bad input");
		this.breaker.transitionToHalfOpenState();
		assertThat(mode.run(this.breaker, failingWith(ignored)).failure()).isSameAs(ignored);
		assertThat(this.breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.IGNORED);
		mode.run(this.breaker, downstream());
		mode.run(this.breaker, downstream());
		assertThat(this.breaker.getState()).as("the ignored call gave its trial permission back")
			.isEqualTo(State.CLOSED);
	}

	@InEveryExecutionMode
	void disabledBreakerRunsEveryCall(ExecutionMode mode) {
		this.breaker.transitionToDisabledState();
		for (int i = 0; i < 6; i++) {
			mode.run(this.breaker, failingWith(new IllegalStateException()));
		}
		assertThat(this.breaker.getState()).isEqualTo(State.DISABLED);
		assertThat(this.breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@Test
	void executePassesItsArgumentAndRethrowsCheckedExceptionsAsTheyAre() {
		IOException failure = new IOException("disk");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.breaker.execute((String argument) -> {
			assertThat(argument).isEqualTo("sku-1");
			throw failure;
		}, "sku-1")).isSameAs(failure);
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.FAILURE);
	}

	@Test
	void executeCallableRethrowsCheckedExceptionsAsTheyAre() {
		IOException failure = new IOException("disk");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.breaker.executeCallable(() -> {
			throw failure;
		})).isSameAs(failure);
	}

	@Test
	void asyncOutcomeIsRecordedWhenTheStageCompletesNotWhenTheCallReturns() {
		CompletableFuture<String> pending = new CompletableFuture<>();
		CompletionStage<String> stage = this.breaker.executeAsync((CompletableFuture<String> future) -> future,
				pending);
		assertThat(this.breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		assertThat(this.listener.outcomes).isEmpty();
		this.ticker.advance(Duration.ofSeconds(3));
		pending.complete("late");
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.SLOW_SUCCESS);
		assertThat(this.listener.durations).containsExactly(Duration.ofSeconds(3).toNanos());
		assertThat(stage.toCompletableFuture().join()).isEqualTo("late");
	}

	@Test
	void dependantsOfTheAsyncStageRunAfterTheOutcomeIsRecorded() {
		CompletableFuture<String> pending = new CompletableFuture<>();
		AtomicInteger failedSeenByDependant = new AtomicInteger(-1);
		this.breaker.executeAsync((CompletableFuture<String> future) -> future, pending)
			.whenComplete(
					(value, error) -> failedSeenByDependant.set(this.breaker.getMetrics().getNumberOfFailedCalls()));
		pending.completeExceptionally(new IllegalStateException());
		assertThat(failedSeenByDependant).hasValue(1);
	}

	@Test
	void asyncCallThatThrowsGivesAFailedStageAndIsRecorded() {
		IllegalStateException failure = new IllegalStateException("thrown before any stage");
		CompletionStage<String> stage = this.breaker.executeAsync((String argument) -> {
			throw failure;
		}, "x");
		assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
		assertThatExceptionOfType(CompletionException.class).isThrownBy(stage.toCompletableFuture()::join)
			.withCause(failure);
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.FAILURE);
	}

	@Test
	void asyncCallReturningNullIsAFailure() {
		CompletionStage<String> stage = this.breaker.executeAsync((String argument) -> null, "x");
		assertThatExceptionOfType(CompletionException.class).isThrownBy(stage.toCompletableFuture()::join)
			.havingCause()
			.isInstanceOf(NullPointerException.class)
			.withMessageContaining("'modes'");
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.FAILURE);
	}

	@Test
	void asyncRefusalIsAFailedStageNotAnException() {
		this.breaker.transitionToForcedOpenState();
		CompletionStage<String> stage = this.breaker.executeAsync((String argument) -> {
			throw new AssertionError("must not run");
		}, "x");
		assertThatExceptionOfType(CompletionException.class).isThrownBy(stage.toCompletableFuture()::join)
			.havingCause()
			.isInstanceOf(CallNotPermittedException.class)
			.withMessage("CircuitBreaker 'modes' is FORCED_OPEN and does not permit calls");
	}

	@Test
	void asyncFailureWrappedInCompletionExceptionIsClassifiedByItsCause() {
		CompletableFuture<String> pending = new CompletableFuture<>();
		this.breaker.executeAsync((CompletableFuture<String> future) -> future, pending);
		pending.completeExceptionally(new CompletionException(new IllegalArgumentException()));
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.IGNORED);
	}

}
