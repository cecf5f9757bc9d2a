package dev.resilience.retry;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import dev.resilience.ContextPropagator;
import dev.resilience.retry.RetryConfig.Backoff;
import dev.resilience.retry.RetryConfig.BudgetConfig;
import dev.resilience.retry.RetryConfig.Jitter;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static dev.resilience.retry.RetryBehaviourTests.assertCounts;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call whose attempts its caller drives ({@link Retry#begin()}, what a reactive
 * operator uses) decides, counts and tells listeners exactly like the
 * {@code CompletionStage} path, and ends in exactly one outcome.
 */
class RetryAttemptContextTests {

	private final FakeTicker ticker = new FakeTicker();

	private final List<String> events = new ArrayList<>();

	private Retry retry(int maxAttempts, BudgetConfig budget) {
		RetryConfig config = RetryConfig.custom()
			.maxAttempts(maxAttempts)
			.waitDuration(Duration.ofMillis(100))
			.backoff(Backoff.FIXED)
			.jitter(Jitter.NONE)
			.budget(budget)
			.ignoreExceptions(List.of(IllegalArgumentException.class))
			.build();
		Retry retry = Retry.of("inventory", config, this.ticker, new FakeScheduler(this.ticker),
				ContextPropagator.NONE);
		retry.addListener(new RetryListener() {

			@Override
			public void onRetry(Retry retry, int nextAttempt, Throwable failure, long delayNanos) {
				RetryAttemptContextTests.this.events
					.add("retry " + nextAttempt + " " + failure.getClass().getSimpleName() + " " + delayNanos);
			}

			@Override
			public void onOutcome(Retry retry, RetryOutcome outcome, int attempts) {
				RetryAttemptContextTests.this.events.add(outcome + " " + attempts);
			}

		});
		return retry;
	}

	@Test
	void successAtFirstAttemptRecordsOneOutcome() {
		Retry retry = retry(3, BudgetConfig.disabled());
		Retry.AttemptContext call = retry.begin();
		call.onSuccess();
		call.onSuccess();
		assertCounts(retry, 1, 0, 0, 0, 0, 0);
		assertThat(this.events).containsExactly("SUCCESSFUL_WITHOUT_RETRY 1");
	}

	@Test
	void failuresAreRetriedWithTheConfiguredDelayThenSucceed() {
		Retry retry = retry(3, BudgetConfig.disabled());
		Retry.AttemptContext call = retry.begin();
		assertThat(call.onError(new IOException())).isEqualTo(100_000_000L);
		call.onRetry();
		assertThat(call.onError(new CompletionException(new IOException()))).isEqualTo(100_000_000L);
		call.onRetry();
		call.onSuccess();
		assertCounts(retry, 0, 1, 0, 0, 0, 2);
		assertThat(this.events).containsExactly("retry 2 IOException 100000000", "retry 3 IOException 100000000",
				"SUCCESSFUL_WITH_RETRY 3");
	}

	@Test
	void exhaustedAttemptsGiveUpOnceAndIgnoreLaterReports() {
		Retry retry = retry(2, BudgetConfig.disabled());
		Retry.AttemptContext call = retry.begin();
		assertThat(call.onError(new IOException())).isNotNegative();
		call.onRetry();
		assertThat(call.onError(new IOException())).isEqualTo(-1);
		call.onSuccess();
		call.onCancel();
		assertThat(call.onError(new IOException())).isEqualTo(-1);
		assertCounts(retry, 0, 0, 1, 0, 0, 1);
		assertThat(this.events).containsExactly("retry 2 IOException 100000000", "FAILED_WITH_RETRY 2");
	}

	@Test
	void ignoredFailureGivesUpAtOnce() {
		Retry retry = retry(3, BudgetConfig.disabled());
		assertThat(retry.begin().onError(new IllegalArgumentException())).isEqualTo(-1);
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

	@Test
	void cancelDuringTheBackoffRecordsOneFailureAndStopsCounting() {
		Retry retry = retry(3, BudgetConfig.disabled());
		Retry.AttemptContext call = retry.begin();
		assertThat(call.onError(new IOException())).isNotNegative();
		call.onCancel();
		call.onRetry();
		call.onSuccess();
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
		assertThat(this.events).containsExactly("retry 2 IOException 100000000", "FAILED_WITHOUT_RETRY 1");
	}

	@Test
	void exhaustedBudgetGivesUp() {
		Retry retry = retry(3, BudgetConfig.of(0.01, 0, Duration.ofSeconds(10)));
		Retry.AttemptContext call = retry.begin();
		assertThat(call.onError(new IOException())).isEqualTo(-1);
		assertCounts(retry, 0, 0, 0, 0, 1, 0);
		assertThat(this.events).containsExactly("BUDGET_EXHAUSTED 1");
	}

}
