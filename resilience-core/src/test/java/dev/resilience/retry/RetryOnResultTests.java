package dev.resilience.retry;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.retry.RetryConfig.Backoff;
import dev.resilience.retry.RetryConfig.BudgetConfig;
import dev.resilience.retry.RetryConfig.Jitter;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static dev.resilience.retry.RetryBehaviourTests.assertCounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A result its {@link ResultPredicate} rejects is retried as a failure would be, and
 * after the last attempt it is returned, not thrown; counted as the retries of failures
 * are. Runs synchronously, through a {@code CompletionStage} (completed, or completed
 * after the retry got it back) and through a caller-driven call.
 */
class RetryOnResultTests {

	private static final long MS = 1_000_000L;

	private static final ResultPredicate<Object, Object> PENDING = (argument, result) -> "pending".equals(result);

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private Retry retry(int maxAttempts, BudgetConfig budget) {
		RetryConfig config = RetryConfig.custom()
			.maxAttempts(maxAttempts)
			.waitDuration(Duration.ofMillis(100))
			.backoff(Backoff.FIXED)
			.jitter(Jitter.NONE)
			.budget(budget)
			.build();
		return Retry.of("orders", config, this.ticker, this.scheduler, ContextPropagator.NONE);
	}

	private Retry retry(int maxAttempts) {
		return retry(maxAttempts, BudgetConfig.disabled());
	}

	/**
	 * Attempts answering the steps in order (a Throwable step fails), the last repeating.
	 */
	private static final class Steps {

		private final Object[] steps;

		private final AtomicInteger calls = new AtomicInteger();

		Steps(Object... steps) {
			this.steps = steps;
		}

		Object next() throws Throwable {
			Object step = this.steps[Math.min(this.calls.getAndIncrement(), this.steps.length - 1)];
			if (step instanceof Throwable failure) {
				throw failure;
			}
			return step;
		}

	}

	/** Runs {@code steps} in the given mode and returns the result or the failure. */
	private Object run(String mode, Retry retry, Steps steps, ResultPredicate<Object, Object> predicate) {
		try {
			if (mode.equals("sync")) {
				return retry.execute((CheckedFunction<Object, Object>) (argument) -> steps.next(), "argument",
						predicate);
			}
			List<CompletableFuture<Object>> pending = new ArrayList<>();
			CompletionStage<Object> stage = retry
				.executeAsync((CheckedFunction<Object, CompletionStage<Object>>) (argument) -> {
					CompletableFuture<Object> future = new CompletableFuture<>();
					try {
						Object value = steps.next();
						if (mode.equals("completed")) {
							return CompletableFuture.completedFuture(value);
						}
						pending.add(future);
						this.afterwards.add(() -> future.complete(value));
					}
					catch (Throwable ex) {
						future.completeExceptionally(ex);
					}
					return future;
				}, "argument", predicate);
			CompletableFuture<Object> result = stage.toCompletableFuture();
			for (int round = 0; round < 100 && !result.isDone(); round++) {
				List<Runnable> due = new ArrayList<>(this.afterwards);
				this.afterwards.clear();
				due.forEach(Runnable::run);
				this.scheduler.runAll();
			}
			assertThat(result).isDone();
			return result
				.handle((value, failure) -> (failure instanceof CompletionException wrapped) ? wrapped.getCause()
						: (failure != null) ? failure : value)
				.join();
		}
		catch (Throwable ex) {
			return ex;
		}
	}

	private final List<Runnable> afterwards = new ArrayList<>();

	@ParameterizedTest
	@ValueSource(strings = { "sync", "completed", "pending" })
	void retriesARejectedResultUntilOneIsAccepted(String mode) {
		Retry retry = retry(3);
		Steps steps = new Steps("pending", "pending", "done");
		assertThat(run(mode, retry, steps, PENDING)).isEqualTo("done");
		assertThat(steps.calls).hasValue(3);
		assertThat(this.scheduler.requestedDelays()).containsExactly(100 * MS, 100 * MS);
		assertCounts(retry, 0, 1, 0, 0, 0, 2);
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "completed", "pending" })
	void returnsTheLastResultOnceAttemptsRunOutCountedAsFailedWithRetry(String mode) {
		Retry retry = retry(3);
		Steps steps = new Steps("pending");
		assertThat(run(mode, retry, steps, PENDING)).isEqualTo("pending");
		assertThat(steps.calls).hasValue(3);
		assertCounts(retry, 0, 0, 1, 0, 0, 2);
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "completed", "pending" })
	void withOneAttemptTheResultIsReturnedAsFailedWithoutRetry(String mode) {
		Retry retry = retry(1);
		Steps steps = new Steps("pending");
		assertThat(run(mode, retry, steps, PENDING)).isEqualTo("pending");
		assertThat(steps.calls).hasValue(1);
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "completed", "pending" })
	void anAcceptedFirstResultIsASuccessWithoutRetry(String mode) {
		Retry retry = retry(3);
		assertThat(run(mode, retry, new Steps("done"), PENDING)).isEqualTo("done");
		assertCounts(retry, 1, 0, 0, 0, 0, 0);
		assertThat(this.scheduler.requestedDelays()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "completed", "pending" })
	void failuresAndRejectedResultsShareTheAttempts(String mode) {
		Retry retry = retry(2);
		Steps steps = new Steps(new IOException("down"), "pending", "done");
		assertThat(run(mode, retry, steps, PENDING)).isEqualTo("pending");
		assertThat(steps.calls).hasValue(2);
		assertCounts(retry, 0, 0, 1, 0, 0, 1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "completed", "pending" })
	void theBudgetBoundsResultRetriesAndTheLastResultIsReturned(String mode) {
		// Retries may equal calls: the one call's first retry passes, its second is
		// refused.
		Retry retry = retry(4, BudgetConfig.of(1.0, 0, Duration.ofSeconds(10)));
		Steps steps = new Steps("pending");
		assertThat(run(mode, retry, steps, PENDING)).isEqualTo("pending");
		assertThat(steps.calls).hasValue(2);
		assertCounts(retry, 0, 0, 0, 0, 1, 1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "completed", "pending" })
	void aPredicateThatThrowsEndsTheCallWithoutRetry(String mode) {
		Retry retry = retry(3);
		Object outcome = run(mode, retry, new Steps("pending"), (argument, result) -> {
			throw new IllegalStateException("not a boolean");
		});
		assertThat(outcome).isInstanceOf(IllegalStateException.class)
			.hasFieldOrPropertyWithValue("message", "not a boolean");
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "completed", "pending" })
	void thePredicateSeesTheArgumentAndEachResult(String mode) {
		Retry retry = retry(3);
		List<String> seen = new ArrayList<>();
		run(mode, retry, new Steps("a", "b"), (argument, result) -> {
			seen.add(argument + ":" + result);
			return "a".equals(result);
		});
		assertThat(seen).containsExactly("argument:a", "argument:b");
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "completed", "pending" })
	void listenersHearAResultRetryWithoutAFailure(String mode) {
		Retry retry = retry(2);
		List<String> heard = new ArrayList<>();
		retry.addListener(new RetryListener() {
			@Override
			public void onRetry(Retry source, int nextAttempt, Throwable failure, long delayNanos) {
				heard.add(nextAttempt + ":" + failure + ":" + delayNanos);
			}

			@Override
			public void onOutcome(Retry source, RetryOutcome outcome, int attempts) {
				heard.add(outcome + ":" + attempts);
			}
		});
		run(mode, retry, new Steps("pending"), PENDING);
		assertThat(heard).containsExactly("2:null:" + (100 * MS), "FAILED_WITH_RETRY:2");
	}

	@Test
	void aCallerDrivenCallRetriesRejectedResults() {
		Retry retry = retry(3);
		List<Object> arguments = new ArrayList<>();
		Retry.AttemptContext call = retry.begin("argument", (argument, result) -> {
			arguments.add(argument);
			return result == null;
		});
		assertThat(call.onResult(null)).isEqualTo(100 * MS);
		call.onRetry();
		assertThat(call.onResult("value")).isEqualTo(-1);
		assertThat(arguments).containsExactly("argument", "argument");
		assertCounts(retry, 0, 1, 0, 0, 0, 1);
	}

	@Test
	void aCallerDrivenCallReturnsTheLastRejectedResult() {
		Retry retry = retry(2);
		Retry.AttemptContext call = retry.begin("argument", PENDING);
		assertThat(call.onResult("pending")).isEqualTo(100 * MS);
		call.onRetry();
		assertThat(call.onResult("pending")).isEqualTo(-1);
		assertCounts(retry, 0, 0, 1, 0, 0, 1);
	}

	@Test
	void aCallerDrivenCallWithoutPredicateTakesAnyResultAsSuccess() {
		Retry retry = retry(3);
		Retry.AttemptContext call = retry.begin();
		assertThat(call.onResult("pending")).isEqualTo(-1);
		assertCounts(retry, 1, 0, 0, 0, 0, 0);
	}

	@Test
	void aCallerDrivenPredicateThatThrowsEndsTheCallOnce() {
		Retry retry = retry(3);
		Retry.AttemptContext call = retry.begin("argument", (argument, result) -> {
			throw new IllegalStateException("broken");
		});
		assertThatIllegalStateException().isThrownBy(() -> call.onResult("x"));
		call.onCancel();
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

}
