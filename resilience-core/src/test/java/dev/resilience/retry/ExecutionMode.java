package dev.resilience.retry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.resilience.testing.FakeScheduler;

/**
 * The ways a caller can run an attempt through a {@link Retry}, so that one scenario runs through
 * each of them and expects the same outcome. The asynchronous modes differ in how an attempt
 * fails: a failed stage, a synchronous throw from the attempt function, or a stage that completes
 * later, after the attempt function has returned.
 */
enum ExecutionMode {

	SYNC {
		@Override
		Result run(Retry retry, FakeScheduler scheduler, Script script) {
			try {
				return Result.success(retry.execute(Script::runSync, script), script);
			}
			catch (Throwable failure) {
				return Result.failure(failure, script);
			}
		}
	},

	ASYNC_FAILED_STAGE {
		@Override
		Result run(Retry retry, FakeScheduler scheduler, Script script) {
			return await(retry.executeAsync(Script::runAsFailedStage, script), scheduler, script);
		}
	},

	ASYNC_THROWING_ATTEMPT {
		@Override
		Result run(Retry retry, FakeScheduler scheduler, Script script) {
			return await(retry.executeAsync(Script::runAsThrowingAttempt, script), scheduler, script);
		}
	},

	ASYNC_LATER_COMPLETION {
		@Override
		Result run(Retry retry, FakeScheduler scheduler, Script script) {
			return await(retry.executeAsync(Script::runAsPendingStage, script), scheduler, script);
		}
	};

	abstract Result run(Retry retry, FakeScheduler scheduler, Script script);

	boolean isAsync() {
		return this != SYNC;
	}

	private static Result await(CompletionStage<Object> stage, FakeScheduler scheduler, Script script) {
		CompletableFuture<Object> future = stage.toCompletableFuture();
		for (int round = 0; round < 10_000 && !future.isDone(); round++) {
			script.completePending();
			scheduler.runAll();
		}
		if (!future.isDone()) {
			throw new AssertionError("the returned stage never completed");
		}
		// handle() sees the failure the stage was completed with, not wrapped.
		Throwable failure = future.handle((value, ex) -> ex).join();
		return (failure != null) ? Result.failure(failure, script) : Result.success(future.join(), script);
	}

	/** What a call returned or threw, and how often the attempt ran. */
	record Result(Object value, Throwable failure, int invocations) {

		static Result success(Object value, Script script) {
			return new Result(value, null, script.invocations());
		}

		static Result failure(Throwable failure, Script script) {
			return new Result(null, failure, script.invocations());
		}

	}

	/**
	 * What successive attempts do: each step is a {@link Throwable} to fail with or a value to
	 * return; the last step repeats. Not thread-safe: one script per call.
	 */
	static final class Script {

		private final Object[] steps;

		private final List<Runnable> pending = new ArrayList<>();

		private int invocations;

		private Script(Object[] steps) {
			this.steps = steps;
		}

		static Script of(Object... steps) {
			return new Script(steps);
		}

		static Script alwaysFailing(Throwable failure) {
			return new Script(new Object[] { failure });
		}

		int invocations() {
			return this.invocations;
		}

		private Object next() {
			Object step = this.steps[Math.min(this.invocations, this.steps.length - 1)];
			this.invocations++;
			return step;
		}

		Object runSync() throws Throwable {
			Object step = next();
			if (step instanceof Throwable failure) {
				throw failure;
			}
			return step;
		}

		CompletionStage<Object> runAsFailedStage() {
			Object step = next();
			return (step instanceof Throwable failure) ? CompletableFuture.failedFuture(failure)
					: CompletableFuture.completedFuture(step);
		}

		CompletionStage<Object> runAsThrowingAttempt() throws Throwable {
			Object step = next();
			if (step instanceof Throwable failure) {
				throw failure;
			}
			return CompletableFuture.completedFuture(step);
		}

		CompletionStage<Object> runAsPendingStage() {
			Object step = next();
			CompletableFuture<Object> stage = new CompletableFuture<>();
			this.pending.add(() -> {
				if (step instanceof Throwable failure) {
					stage.completeExceptionally(failure);
				}
				else {
					stage.complete(step);
				}
			});
			return stage;
		}

		void completePending() {
			List<Runnable> due = new ArrayList<>(this.pending);
			this.pending.clear();
			due.forEach(Runnable::run);
		}

	}

}
