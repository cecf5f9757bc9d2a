package dev.resilience.retry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import dev.resilience.ContextPropagator;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.retry.RetryConfig.Backoff;
import dev.resilience.retry.RetryConfig.BudgetConfig;
import dev.resilience.retry.RetryConfig.Jitter;
import dev.resilience.testing.ExecutionMode;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.testing.InEveryExecutionMode;
import dev.resilience.testing.Outcome;
import dev.resilience.testing.Script;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attempts, outcome kinds, exception classification, backoff sequences and listeners:
 * every scenario runs in every {@link ExecutionMode} and expects the same outcome.
 */
class RetryBehaviourTests {

	private static final long MS = 1_000_000L;

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private static RetryConfig.Builder noJitter() {
		return RetryConfig.custom()
			.waitDuration(Duration.ofMillis(100))
			.backoff(Backoff.FIXED)
			.jitter(Jitter.NONE)
			.budget(BudgetConfig.disabled());
	}

	private Retry retry(RetryConfig config) {
		return Retry.of("inventory", config, this.ticker, this.scheduler, ContextPropagator.NONE);
	}

	@InEveryExecutionMode
	void succeedsOnFirstAttemptWithoutRetry(ExecutionMode mode) {
		Retry retry = retry(noJitter().build());
		Outcome result = mode.run(retry, this.scheduler, Script.of("ok"));
		assertThat(result.value()).isEqualTo("ok");
		assertThat(result.invocations()).isEqualTo(1);
		assertCounts(retry, 1, 0, 0, 0, 0, 0);
		assertThat(this.scheduler.requestedDelays()).isEmpty();
	}

	@InEveryExecutionMode
	void retriesUntilAnAttemptSucceeds(ExecutionMode mode) {
		Retry retry = retry(noJitter().maxAttempts(3).build());
		Outcome result = mode.run(retry, this.scheduler, Script.of(new IOException("1"), new IOException("2"), "ok"));
		assertThat(result.value()).isEqualTo("ok");
		assertThat(result.invocations()).isEqualTo(3);
		assertCounts(retry, 0, 1, 0, 0, 0, 2);
		assertThat(this.scheduler.requestedDelays()).containsExactly(100 * MS, 100 * MS);
	}

	@InEveryExecutionMode
	void givesUpAfterMaxAttemptsWithTheLastFailure(ExecutionMode mode) {
		Retry retry = retry(noJitter().maxAttempts(3).build());
		IOException last = new IOException("3");
		Outcome result = mode.run(retry, this.scheduler, Script.of(new IOException("1"), new IOException("2"), last));
		assertThat(result.failure()).isSameAs(last);
		assertThat(result.invocations()).isEqualTo(3);
		assertCounts(retry, 0, 0, 1, 0, 0, 2);
	}

	@InEveryExecutionMode
	void maxAttemptsOfOneNeverRetries(ExecutionMode mode) {
		Retry retry = retry(noJitter().maxAttempts(1).build());
		IOException failure = new IOException("boom");
		Outcome result = mode.run(retry, this.scheduler, Script.alwaysFailing(failure));
		assertThat(result.failure()).isSameAs(failure);
		assertThat(result.invocations()).isEqualTo(1);
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

	@InEveryExecutionMode
	void doesNotRetryAFailureOutsideTheRetryExceptions(ExecutionMode mode) {
		Retry retry = retry(noJitter().retryExceptions(List.of(IOException.class)).build());
		IllegalStateException failure = new IllegalStateException("bug");
		Outcome result = mode.run(retry, this.scheduler, Script.alwaysFailing(failure));
		assertThat(result.failure()).isSameAs(failure);
		assertThat(result.invocations()).isEqualTo(1);
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

	@InEveryExecutionMode
	void retriesSubclassesOfTheRetryExceptions(ExecutionMode mode) {
		Retry retry = retry(noJitter().maxAttempts(2).retryExceptions(List.of(IOException.class)).build());
		Outcome result = mode.run(retry, this.scheduler, Script.of(new SocketTimeoutException("slow"), "ok"));
		assertThat(result.value()).isEqualTo("ok");
		assertCounts(retry, 0, 1, 0, 0, 0, 1);
	}

	@InEveryExecutionMode
	void ignoreExceptionsWinOverRetryExceptions(ExecutionMode mode) {
		Retry retry = retry(noJitter().retryExceptions(List.of(IOException.class))
			.ignoreExceptions(List.of(SocketTimeoutException.class))
			.build());
		SocketTimeoutException failure = new SocketTimeoutException("slow");
		Outcome result = mode.run(retry, this.scheduler, Script.alwaysFailing(failure));
		assertThat(result.failure()).isSameAs(failure);
		assertThat(result.invocations()).isEqualTo(1);
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

	@InEveryExecutionMode
	void retriesEverythingNotIgnoredWhenRetryExceptionsAreEmpty(ExecutionMode mode) {
		Retry retry = retry(noJitter().maxAttempts(2).ignoreExceptions(List.of(IOException.class)).build());
		Outcome result = mode.run(retry, this.scheduler, Script.of(new TimeoutException(), "ok"));
		assertThat(result.value()).isEqualTo("ok");
		assertCounts(retry, 0, 1, 0, 0, 0, 1);
	}

	@InEveryExecutionMode
	void nonRetryableFailureOnALaterAttemptEndsAsFailedWithRetry(ExecutionMode mode) {
		Retry retry = retry(noJitter().maxAttempts(5).ignoreExceptions(List.of(IllegalStateException.class)).build());
		IllegalStateException fatal = new IllegalStateException("fatal");
		Outcome result = mode.run(retry, this.scheduler, Script.of(new IOException("1"), fatal));
		assertThat(result.failure()).isSameAs(fatal);
		assertThat(result.invocations()).isEqualTo(2);
		assertCounts(retry, 0, 0, 1, 0, 0, 1);
	}

	@InEveryExecutionMode
	void neverRetriesCallNotPermittedExceptionEvenWhenListed(ExecutionMode mode) {
		Retry retry = retry(noJitter().retryExceptions(List.of(RuntimeException.class)).build());
		CallNotPermittedException open = new CallNotPermittedException("inventory", "OPEN");
		Outcome result = mode.run(retry, this.scheduler, Script.alwaysFailing(open));
		assertThat(result.failure()).isSameAs(open);
		assertThat(result.invocations()).isEqualTo(1);
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

	@InEveryExecutionMode
	void neverRetriesCallNotPermittedExceptionWrappedInACompletionException(ExecutionMode mode) {
		Retry retry = retry(noJitter().build());
		CallNotPermittedException open = new CallNotPermittedException("inventory", "OPEN");
		Outcome result = mode.run(retry, this.scheduler, Script.alwaysFailing(new CompletionException(open)));
		assertThat(result.invocations()).isEqualTo(1);
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
		if (mode.isAsync()) {
			assertThat(result.failure()).isSameAs(open);
		}
		else {
			assertThat(result.failure()).isInstanceOf(CompletionException.class).hasCause(open);
		}
	}

	@InEveryExecutionMode
	void classifiesACompletionExceptionByItsCause(ExecutionMode mode) {
		Retry retry = retry(noJitter().maxAttempts(3).retryExceptions(List.of(IOException.class)).build());
		IOException cause = new IOException("down");
		Outcome result = mode.run(retry, this.scheduler, Script.alwaysFailing(new CompletionException(cause)));
		assertThat(result.invocations()).isEqualTo(3);
		assertCounts(retry, 0, 0, 1, 0, 0, 2);
		if (mode.isAsync()) {
			assertThat(result.failure()).isSameAs(cause);
		}
		else {
			assertThat(result.failure()).isInstanceOf(CompletionException.class).hasCause(cause);
		}
	}

	@InEveryExecutionMode
	void classifiesAnExecutionExceptionByItsCauseButFailsWithItAsItIs(ExecutionMode mode) {
		Retry retry = retry(noJitter().ignoreExceptions(List.of(IllegalStateException.class)).build());
		ExecutionException failure = new ExecutionException(new IllegalStateException("fatal"));
		Outcome result = mode.run(retry, this.scheduler, Script.alwaysFailing(failure));
		assertThat(result.failure()).isSameAs(failure);
		assertThat(result.invocations()).isEqualTo(1);
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

	@InEveryExecutionMode
	void fixedBackoffWaitsTheSameBeforeEveryRetry(ExecutionMode mode) {
		Retry retry = retry(noJitter().maxAttempts(4).multiplier(3.0).build());
		mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException()));
		assertThat(this.scheduler.requestedDelays()).containsExactly(100 * MS, 100 * MS, 100 * MS);
	}

	@InEveryExecutionMode
	void exponentialBackoffGrowsByTheMultiplierUpToTheCap(ExecutionMode mode) {
		Retry retry = retry(noJitter().maxAttempts(7)
			.backoff(Backoff.EXPONENTIAL)
			.multiplier(2.0)
			.maxWaitDuration(Duration.ofSeconds(1))
			.build());
		mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException()));
		assertThat(this.scheduler.requestedDelays()).containsExactly(100 * MS, 200 * MS, 400 * MS, 800 * MS, 1000 * MS,
				1000 * MS);
	}

	@InEveryExecutionMode
	void exponentialBackoffDoesNotOverflowPastTheCap(ExecutionMode mode) {
		Retry retry = retry(noJitter().maxAttempts(200)
			.waitDuration(Duration.ofMillis(1))
			.backoff(Backoff.EXPONENTIAL)
			.multiplier(10.0)
			.maxWaitDuration(Duration.ofSeconds(5))
			.build());
		mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException()));
		List<Long> delays = this.scheduler.requestedDelays();
		assertThat(delays).hasSize(199);
		assertThat(delays.subList(0, 5)).containsExactly(1 * MS, 10 * MS, 100 * MS, 1000 * MS, 5000 * MS);
		assertThat(delays.subList(5, 199)).containsOnly(5000 * MS);
	}

	@InEveryExecutionMode
	void reportsRetriesAndTheOutcomeToListeners(ExecutionMode mode) {
		Retry retry = retry(noJitter().maxAttempts(3).build());
		List<String> events = new ArrayList<>();
		retry.addListener(new RetryListener() {

			@Override
			public void onRetry(Retry source, int nextAttempt, Throwable failure, long delayNanos) {
				events.add("retry " + source.getName() + " #" + nextAttempt + " after " + failure.getMessage() + " in "
						+ delayNanos / MS + "ms");
			}

			@Override
			public void onOutcome(Retry source, RetryOutcome outcome, int attempts) {
				events.add(outcome + " after " + attempts);
			}

		});
		mode.run(retry, this.scheduler, Script.of(new IOException("first"), new IOException("second"), "ok"));
		assertThat(events).containsExactly("retry inventory #2 after first in 100ms",
				"retry inventory #3 after second in 100ms", "SUCCESSFUL_WITH_RETRY after 3");
	}

	@InEveryExecutionMode
	void aThrowingListenerDoesNotBreakTheCall(ExecutionMode mode) {
		Retry retry = retry(noJitter().maxAttempts(3).build());
		RetryListener throwing = new RetryListener() {

			@Override
			public void onRetry(Retry source, int nextAttempt, Throwable failure, long delayNanos) {
				throw new IllegalStateException("listener bug");
			}

			@Override
			public void onOutcome(Retry source, RetryOutcome outcome, int attempts) {
				throw new IllegalStateException("listener bug");
			}

		};
		List<RetryOutcome> seenAfterIt = new ArrayList<>();
		retry.addListener(throwing);
		retry.addListener(new RetryListener() {

			@Override
			public void onOutcome(Retry source, RetryOutcome outcome, int attempts) {
				seenAfterIt.add(outcome);
			}

		});
		Outcome result = mode.run(retry, this.scheduler, Script.of(new IOException("first"), "ok"));
		assertThat(result.value()).isEqualTo("ok");
		assertThat(seenAfterIt).containsExactly(RetryOutcome.SUCCESSFUL_WITH_RETRY);
		assertCounts(retry, 0, 1, 0, 0, 0, 1);
	}

	@InEveryExecutionMode
	void aRemovedListenerIsNoLongerCalled(ExecutionMode mode) {
		Retry retry = retry(noJitter().build());
		List<RetryOutcome> outcomes = new ArrayList<>();
		RetryListener listener = new RetryListener() {

			@Override
			public void onOutcome(Retry source, RetryOutcome outcome, int attempts) {
				outcomes.add(outcome);
			}

		};
		retry.addListener(listener);
		mode.run(retry, this.scheduler, Script.of("ok"));
		retry.removeListener(listener);
		mode.run(retry, this.scheduler, Script.of("ok"));
		assertThat(outcomes).containsExactly(RetryOutcome.SUCCESSFUL_WITHOUT_RETRY);
		assertCounts(retry, 2, 0, 0, 0, 0, 0);
	}

	@InEveryExecutionMode
	void uncheckedFailuresAreRetriedAndRethrownAsTheyAre(ExecutionMode mode) {
		Retry retry = retry(noJitter().maxAttempts(2).build());
		UncheckedIOException last = new UncheckedIOException(new IOException("2"));
		Outcome result = mode.run(retry, this.scheduler,
				Script.of(new UncheckedIOException(new IOException("1")), last));
		assertThat(result.failure()).isSameAs(last);
		assertCounts(retry, 0, 0, 1, 0, 0, 1);
	}

	static void assertCounts(Retry retry, long successfulWithoutRetry, long successfulWithRetry, long failedWithRetry,
			long failedWithoutRetry, long budgetExhausted, long retryAttempts) {
		Retry.Metrics metrics = retry.getMetrics();
		assertThat(new long[] { metrics.getNumberOfSuccessfulCallsWithoutRetryAttempt(),
				metrics.getNumberOfSuccessfulCallsWithRetryAttempt(), metrics.getNumberOfFailedCallsWithRetryAttempt(),
				metrics.getNumberOfFailedCallsWithoutRetryAttempt(), metrics.getNumberOfBudgetExhaustedCalls(),
				metrics.getNumberOfRetryAttempts() })
			.as("successfulWithoutRetry, successfulWithRetry, failedWithRetry, failedWithoutRetry, budgetExhausted, retryAttempts")
			.containsExactly(successfulWithoutRetry, successfulWithRetry, failedWithRetry, failedWithoutRetry,
					budgetExhausted, retryAttempts);
	}

}
