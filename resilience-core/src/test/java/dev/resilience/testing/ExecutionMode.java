package dev.resilience.testing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import dev.resilience.Policy;

/**
 * Every way a caller can run a call through a {@link Policy} (circuit breaker, retry,
 * bulkhead), so that one scenario runs in each of them and expects the same outcome (the
 * idea of Failsafe's {@code testing/Testing}). The synchronous modes go through
 * {@link Policy#execute} and its {@code Supplier} and {@code Callable} forms. The
 * asynchronous modes go through {@link Policy#executeAsync} and differ in how an attempt
 * ends: a stage already completed, a throw before any stage, or a stage completed later,
 * after the policy got it back; the last one also through
 * {@link Policy#executeCompletionStage}.
 * <p>
 * {@link #run(Policy, FakeScheduler, Script)} drives an asynchronous call to its end by
 * completing the script's pending stages and running the fake scheduler's tasks (retry
 * backoffs) in turns. Use {@link InEveryExecutionMode} to run a test once per mode.
 */
public enum ExecutionMode {

	/** {@link Policy#execute}: the caller's thread runs the call. */
	EXECUTE(false) {
		@Override
		Outcome start(Policy policy, Script script, FakeScheduler scheduler) {
			try {
				return Outcome.success(policy.execute(Script::call, script), script);
			}
			catch (Throwable ex) {
				return Outcome.failure(ex, script);
			}
		}
	},

	/** {@link Policy#executeSupplier}. */
	EXECUTE_SUPPLIER(false) {
		@Override
		Outcome start(Policy policy, Script script, FakeScheduler scheduler) {
			try {
				return Outcome.success(policy.executeSupplier(script::callSneaky), script);
			}
			catch (Throwable ex) {
				return Outcome.failure(ex, script);
			}
		}
	},

	/** {@link Policy#executeCallable}. */
	EXECUTE_CALLABLE(false) {
		@Override
		Outcome start(Policy policy, Script script, FakeScheduler scheduler) {
			try {
				return Outcome.success(policy.executeCallable(script::callSneaky), script);
			}
			catch (Throwable ex) {
				return Outcome.failure(ex, script);
			}
		}
	},

	/**
	 * {@link Policy#executeAsync}; each attempt returns a stage that is already complete.
	 */
	ASYNC_COMPLETED_STAGE(true) {
		@Override
		Outcome start(Policy policy, Script script, FakeScheduler scheduler) {
			return await(policy.executeAsync(Script::callReturningCompletedStage, script), script, scheduler);
		}
	},

	/**
	 * {@link Policy#executeAsync}; a failing attempt throws instead of returning a stage.
	 */
	ASYNC_THROWING_CALL(true) {
		@Override
		Outcome start(Policy policy, Script script, FakeScheduler scheduler) {
			return await(policy.executeAsync(Script::callThrowingBeforeAnyStage, script), script, scheduler);
		}
	},

	/**
	 * {@link Policy#executeAsync}; each attempt returns a stage completed after it
	 * returned.
	 */
	ASYNC_PENDING_STAGE(true) {
		@Override
		Outcome start(Policy policy, Script script, FakeScheduler scheduler) {
			return await(policy.executeAsync(Script::callReturningPendingStage, script), script, scheduler);
		}
	},

	/**
	 * {@link Policy#executeCompletionStage}; each attempt returns a stage completed after
	 * it returned.
	 */
	COMPLETION_STAGE_PENDING(true) {
		@Override
		Outcome start(Policy policy, Script script, FakeScheduler scheduler) {
			return await(policy.executeCompletionStage(script::callReturningPendingStage), script, scheduler);
		}
	};

	/**
	 * Turns of completing stages and running scheduled tasks before a stage counts as
	 * hung.
	 */
	private static final int MAX_ROUNDS = 10_000;

	private final boolean async;

	ExecutionMode(boolean async) {
		this.async = async;
	}

	/** Whether the caller gets a stage back rather than a value. */
	public boolean isAsync() {
		return this.async;
	}

	/**
	 * Runs {@code script} through {@code policy}, for a policy that schedules nothing.
	 */
	public Outcome run(Policy policy, Script script) {
		return start(policy, script, null);
	}

	/**
	 * Runs {@code script} through {@code policy}; an asynchronous call is driven to its
	 * end by running {@code scheduler}'s tasks.
	 */
	public Outcome run(Policy policy, FakeScheduler scheduler, Script script) {
		return start(policy, script, scheduler);
	}

	abstract Outcome start(Policy policy, Script script, FakeScheduler scheduler);

	private static Outcome await(CompletionStage<Object> stage, Script script, FakeScheduler scheduler) {
		CompletableFuture<Object> future = stage.toCompletableFuture();
		for (int round = 0; round < MAX_ROUNDS && !future.isDone(); round++) {
			boolean progressed = script.completePending();
			if (scheduler != null && scheduler.pendingTasks() > 0) {
				scheduler.runAll();
				progressed = true;
			}
			if (!progressed) {
				break;
			}
		}
		if (!future.isDone()) {
			throw new AssertionError("the returned stage never completed");
		}
		Throwable failure = future.handle((value, ex) -> ex).join();
		if (failure == null) {
			return Outcome.success(future.join(), script);
		}
		// What join() would throw wraps the failure in one CompletionException; the
		// caller sees its cause.
		if (failure instanceof CompletionException && failure.getCause() != null) {
			failure = failure.getCause();
		}
		return Outcome.failure(failure, script);
	}

}
