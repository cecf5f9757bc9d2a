package dev.resilience.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.testing.FakeTicker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The same scenarios through every way of running a call: {@code execute}, {@code executeSupplier},
 * {@code executeCallable} (synchronous) and {@code executeAsync}, {@code executeCompletionStage}
 * (asynchronous, completing a {@link CompletableFuture} after the call returned it). Each must end
 * with the same result and the same recorded outcome.
 */
class ExecutionModeTests {

	private final FakeTicker ticker = new FakeTicker();

	private final RecordingListener listener = new RecordingListener();

	private final CircuitBreaker breaker = CircuitBreaker.of("modes", CircuitBreakerConfig.custom()
		.slidingWindowSize(4)
		.minimumNumberOfCalls(4)
		.failureRateThreshold(50)
		.slowCallDurationThreshold(Duration.ofSeconds(1))
		.waitDurationInOpenState(Duration.ofSeconds(10))
		.permittedNumberOfCallsInHalfOpenState(2)
		.ignoreExceptions(List.of(IllegalArgumentException.class))
		.build(), this.ticker);

	ExecutionModeTests() {
		this.breaker.addListener(this.listener);
	}

	/** A downstream call: takes {@code took} of ticker time, then returns {@code value} or throws {@code failure}. */
	final class Downstream {

		final AtomicInteger invocations = new AtomicInteger();

		Duration took = Duration.ZERO;

		RuntimeException failure;

		String value = "ok";

		CompletableFuture<String> pending;

		Downstream failingWith(RuntimeException failure) {
			this.failure = failure;
			return this;
		}

		Downstream taking(Duration took) {
			this.took = took;
			return this;
		}

		String call() {
			this.invocations.incrementAndGet();
			ExecutionModeTests.this.ticker.advance(this.took);
			if (this.failure != null) {
				throw this.failure;
			}
			return this.value;
		}

		CompletionStage<String> callAsync() {
			this.invocations.incrementAndGet();
			// Completes later, as a real asynchronous call would: the test completes it after the call returned.
			this.pending = new CompletableFuture<>();
			return this.pending;
		}

		void completePending() {
			if (this.pending == null) {
				return;
			}
			ExecutionModeTests.this.ticker.advance(this.took);
			if (this.failure != null) {
				this.pending.completeExceptionally(this.failure);
			}
			else {
				this.pending.complete(this.value);
			}
		}

	}

	/** What a call gave back: a value or a throwable. */
	record Result(String value, Throwable error) {
	}

	enum Mode {

		EXECUTE {
			@Override
			Result run(CircuitBreaker breaker, Downstream downstream) {
				try {
					return new Result(breaker.execute(Downstream::call, downstream), null);
				}
				catch (Throwable ex) {
					return new Result(null, ex);
				}
			}
		},

		SUPPLIER {
			@Override
			Result run(CircuitBreaker breaker, Downstream downstream) {
				try {
					return new Result(breaker.executeSupplier(downstream::call), null);
				}
				catch (RuntimeException ex) {
					return new Result(null, ex);
				}
			}
		},

		CALLABLE {
			@Override
			Result run(CircuitBreaker breaker, Downstream downstream) {
				try {
					return new Result(breaker.executeCallable(downstream::call), null);
				}
				catch (Exception ex) {
					return new Result(null, ex);
				}
			}
		},

		EXECUTE_ASYNC {
			@Override
			Result run(CircuitBreaker breaker, Downstream downstream) {
				return await(breaker.executeAsync(Downstream::callAsync, downstream), downstream);
			}
		},

		COMPLETION_STAGE {
			@Override
			Result run(CircuitBreaker breaker, Downstream downstream) {
				return await(breaker.executeCompletionStage(downstream::callAsync), downstream);
			}
		};

		abstract Result run(CircuitBreaker breaker, Downstream downstream);

		static Result await(CompletionStage<String> stage, Downstream downstream) {
			downstream.completePending();
			downstream.pending = null;
			CompletableFuture<String> future = stage.toCompletableFuture();
			assertThat(future).as("the stage is complete once the downstream completed").isDone();
			try {
				return new Result(future.join(), null);
			}
			catch (CompletionException ex) {
				return new Result(null, ex.getCause());
			}
		}

	}

	private Downstream downstream() {
		return new Downstream();
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void returnsTheResultAndRecordsASuccess(Mode mode) {
		Downstream downstream = downstream();
		Result result = mode.run(this.breaker, downstream);
		assertThat(result.value()).isEqualTo("ok");
		assertThat(result.error()).isNull();
		assertThat(downstream.invocations).hasValue(1);
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.SUCCESS);
		assertThat(this.breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void passesOnTheSameExceptionAndRecordsAFailure(Mode mode) {
		IllegalStateException failure = new IllegalStateException("downstream down");
		Result result = mode.run(this.breaker, downstream().failingWith(failure));
		assertThat(result.error()).isSameAs(failure);
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.FAILURE);
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void measuresTheCallWithTheTicker(Mode mode) {
		mode.run(this.breaker, downstream().taking(Duration.ofMillis(1500)));
		mode.run(this.breaker, downstream().taking(Duration.ofMillis(20)).failingWith(new IllegalStateException()));
		assertThat(this.listener.durations).containsExactly(Duration.ofMillis(1500).toNanos(),
				Duration.ofMillis(20).toNanos());
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.SLOW_SUCCESS, CallOutcome.FAILURE);
		assertThat(this.breaker.getMetrics().getNumberOfSlowCalls()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void refusesWithoutCallingWhileOpen(Mode mode) {
		this.breaker.transitionToOpenState();
		Downstream downstream = downstream();
		Result result = mode.run(this.breaker, downstream);
		assertThat(result.error()).isInstanceOf(CallNotPermittedException.class)
			.hasMessage("CircuitBreaker 'modes' is OPEN and does not permit calls");
		assertThat(downstream.invocations).hasValue(0);
		assertThat(this.breaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.NOT_PERMITTED);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void opensAfterFailingCallsAndThenRefuses(Mode mode) {
		mode.run(this.breaker, downstream());
		mode.run(this.breaker, downstream().failingWith(new IllegalStateException()));
		mode.run(this.breaker, downstream());
		assertThat(this.breaker.getState()).isEqualTo(State.CLOSED);
		mode.run(this.breaker, downstream().failingWith(new IllegalStateException()));
		assertThat(this.breaker.getState()).isEqualTo(State.OPEN);
		Downstream refused = downstream();
		assertThat(mode.run(this.breaker, refused).error()).isInstanceOf(CallNotPermittedException.class);
		assertThat(refused.invocations).hasValue(0);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void trialCallsAfterTheWaitCloseTheBreaker(Mode mode) {
		this.breaker.transitionToOpenState();
		this.ticker.advance(Duration.ofSeconds(10));
		assertThat(mode.run(this.breaker, downstream()).value()).isEqualTo("ok");
		assertThat(this.breaker.getState()).isEqualTo(State.HALF_OPEN);
		mode.run(this.breaker, downstream());
		assertThat(this.breaker.getState()).isEqualTo(State.CLOSED);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void failingTrialCallsReopenTheBreaker(Mode mode) {
		this.breaker.transitionToHalfOpenState();
		mode.run(this.breaker, downstream().failingWith(new IllegalStateException()));
		mode.run(this.breaker, downstream());
		assertThat(this.breaker.getState()).isEqualTo(State.OPEN);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void ignoredExceptionIsPassedOnButNotCounted(Mode mode) {
		IllegalArgumentException ignored = new IllegalArgumentException("bad input");
		this.breaker.transitionToHalfOpenState();
		assertThat(mode.run(this.breaker, downstream().failingWith(ignored)).error()).isSameAs(ignored);
		assertThat(this.breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		assertThat(this.listener.outcomes).containsExactly(CallOutcome.IGNORED);
		mode.run(this.breaker, downstream());
		mode.run(this.breaker, downstream());
		assertThat(this.breaker.getState()).as("the ignored call gave its trial permission back")
			.isEqualTo(State.CLOSED);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void disabledBreakerRunsEveryCall(Mode mode) {
		this.breaker.transitionToDisabledState();
		for (int i = 0; i < 6; i++) {
			mode.run(this.breaker, downstream().failingWith(new IllegalStateException()));
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
		CompletionStage<String> stage = this.breaker.executeAsync((CompletableFuture<String> future) -> future, pending);
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
			.whenComplete((value, error) -> failedSeenByDependant
				.set(this.breaker.getMetrics().getNumberOfFailedCalls()));
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
