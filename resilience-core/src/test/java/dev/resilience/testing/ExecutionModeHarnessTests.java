package dev.resilience.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.resilience.CheckedFunction;
import dev.resilience.Policy;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The harness itself: each mode takes the path it names and reports what a caller would
 * see.
 */
class ExecutionModeHarnessTests {

	@InEveryExecutionMode
	void eachModeGoesThroughTheApiItNames(ExecutionMode mode) {
		RecordingPolicy policy = new RecordingPolicy();
		mode.run(policy, Script.of("ok"));
		String expected = switch (mode) {
			case EXECUTE -> "execute";
			case EXECUTE_SUPPLIER -> "executeSupplier";
			case EXECUTE_CALLABLE -> "executeCallable";
			case ASYNC_COMPLETED_STAGE, ASYNC_THROWING_CALL, ASYNC_PENDING_STAGE -> "executeAsync";
			case COMPLETION_STAGE_PENDING -> "executeCompletionStage";
		};
		assertThat(policy.calls).first().isEqualTo(expected);
		assertThat(mode.isAsync()).isEqualTo(expected.contains("Async") || expected.contains("Stage"));
	}

	@Test
	void asyncModesHandThePolicyTheStageTheirNameSays() {
		RecordingPolicy policy = new RecordingPolicy();
		ExecutionMode.ASYNC_COMPLETED_STAGE.run(policy, Script.alwaysFailing(new IOException()));
		assertThat(policy.stageDoneWhenReturned).isTrue();
		assertThat(policy.thrownByCall).isNull();
		ExecutionMode.ASYNC_PENDING_STAGE.run(policy, Script.alwaysFailing(new IOException()));
		assertThat(policy.stageDoneWhenReturned).isFalse();
		ExecutionMode.COMPLETION_STAGE_PENDING.run(policy, Script.of("ok"));
		assertThat(policy.stageDoneWhenReturned).isFalse();
		IOException failure = new IOException();
		ExecutionMode.ASYNC_THROWING_CALL.run(policy, Script.alwaysFailing(failure));
		assertThat(policy.thrownByCall).isSameAs(failure);
	}

	@InEveryExecutionMode
	void reportsTheValueAndTheAttempts(ExecutionMode mode) {
		Outcome outcome = mode.run(new RecordingPolicy(), Script.of("ok"));
		assertThat(outcome).isEqualTo(new Outcome("ok", null, 1));
	}

	@InEveryExecutionMode
	void reportsTheFailureAsTheCallerSeesItUnderTheStagesWrapper(ExecutionMode mode) {
		IOException failure = new IOException("down");
		Outcome outcome = mode.run(new RecordingPolicy(), Script.alwaysFailing(failure));
		assertThat(outcome.failure()).isSameAs(failure);
		assertThat(outcome.value()).isNull();
		assertThat(outcome.invocations()).isEqualTo(1);
	}

	@InEveryExecutionMode
	void aStageThatNeverCompletesFailsTheTestInsteadOfHanging(ExecutionMode mode) {
		Policy neverCompletes = new RecordingPolicy() {

			@Override
			public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
					A argument) {
				return new CompletableFuture<>();
			}

		};
		if (mode.isAsync()) {
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> mode.run(neverCompletes, new FakeScheduler(new FakeTicker()), Script.of("ok")))
				.withMessage("the returned stage never completed");
		}
		else {
			assertThat(mode.run(neverCompletes, Script.of("ok")).value()).isEqualTo("ok");
		}
	}

	@InEveryExecutionMode
	void worksForABulkheadAndTheBulkheadGetsItsPermitBack(ExecutionMode mode) {
		Bulkhead bulkhead = Bulkhead.of("harness",
				BulkheadConfig.custom().maxConcurrentCalls(1).maxWaitDuration(Duration.ZERO).build());
		assertThat(mode.run(bulkhead, Script.of("ok")).value()).isEqualTo("ok");
		IllegalStateException failure = new IllegalStateException("down");
		assertThat(mode.run(bulkhead, Script.alwaysFailing(failure)).failure()).isSameAs(failure);
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
		assertThat(bulkhead.getMetrics().getNumberOfRejectedCalls()).isZero();
	}

	@Test
	void scriptRepeatsItsLastStepAndCountsAttempts() throws Throwable {
		IOException first = new IOException("first");
		Script script = Script.of(first, "second");
		assertThatExceptionOfType(IOException.class).isThrownBy(script::call).isSameAs(first);
		assertThat(script.call()).isEqualTo("second");
		assertThat(script.call()).isEqualTo("second");
		assertThat(script.invocations()).isEqualTo(3);
	}

	@Test
	void aPendingAttemptTakesItsTimeWhenItCompletes() {
		FakeTicker ticker = new FakeTicker();
		long start = ticker.read();
		Script script = Script.of("ok").taking(Duration.ofMillis(20), ticker);
		CompletableFuture<Object> stage = script.callReturningPendingStage().toCompletableFuture();
		assertThat(ticker.read()).isEqualTo(start);
		assertThat(stage).isNotDone();
		assertThat(script.completePending()).isTrue();
		assertThat(stage).isCompletedWithValue("ok");
		assertThat(ticker.read()).isEqualTo(start + Duration.ofMillis(20).toNanos());
		assertThat(script.completePending()).isFalse();
	}

	/**
	 * Runs calls as they are, recording which method was called, whether the stage it got
	 * was complete and what the call threw; its asynchronous result is a dependent stage,
	 * so a failure reaches the harness wrapped as it would from a real policy.
	 */
	private static class RecordingPolicy implements Policy {

		final List<String> calls = new ArrayList<>();

		Boolean stageDoneWhenReturned;

		Throwable thrownByCall;

		@Override
		public String getName() {
			return "recording";
		}

		@Override
		public <A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable {
			this.calls.add("execute");
			return call.apply(argument);
		}

		@Override
		public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
				A argument) {
			this.calls.add("executeAsync");
			this.thrownByCall = null;
			CompletionStage<T> stage;
			try {
				stage = call.apply(argument);
			}
			catch (Throwable ex) {
				this.thrownByCall = ex;
				return CompletableFuture.failedFuture(ex);
			}
			this.stageDoneWhenReturned = stage.toCompletableFuture().isDone();
			return stage.thenApply((value) -> value);
		}

		@Override
		public <T> T executeSupplier(Supplier<T> supplier) {
			this.calls.add("executeSupplier");
			return Policy.super.executeSupplier(supplier);
		}

		@Override
		public <T> T executeCallable(Callable<T> callable) throws Exception {
			this.calls.add("executeCallable");
			return Policy.super.executeCallable(callable);
		}

		@Override
		public <T> CompletionStage<T> executeCompletionStage(Supplier<? extends CompletionStage<T>> supplier) {
			this.calls.add("executeCompletionStage");
			return Policy.super.executeCompletionStage(supplier);
		}

	}

}
