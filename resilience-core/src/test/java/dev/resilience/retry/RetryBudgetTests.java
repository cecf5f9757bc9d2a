package dev.resilience.retry;

import java.io.IOException;
import java.time.Duration;

import dev.resilience.ContextPropagator;
import dev.resilience.retry.RetryConfig.Backoff;
import dev.resilience.retry.RetryConfig.BudgetConfig;
import dev.resilience.retry.RetryConfig.Jitter;
import dev.resilience.testing.ExecutionMode;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.testing.InEveryExecutionMode;
import dev.resilience.testing.Outcome;
import dev.resilience.testing.Script;

import static dev.resilience.retry.RetryBehaviourTests.assertCounts;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retry budget of {@code docs/retry.md} ("Retry budget"), in every
 * {@link ExecutionMode}. Backoffs are zero so that time moves only when a test advances
 * it; the expected figures are worked out by hand in each test.
 */
class RetryBudgetTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private Retry retry(int maxAttempts, BudgetConfig budget) {
		RetryConfig config = RetryConfig.custom()
			.maxAttempts(maxAttempts)
			.waitDuration(Duration.ZERO)
			.backoff(Backoff.FIXED)
			.jitter(Jitter.NONE)
			.budget(budget)
			.build();
		return Retry.of("inventory", config, this.ticker, this.scheduler, ContextPropagator.NONE);
	}

	@InEveryExecutionMode
	void refusesRetriesBeyondTheRatioOfRecentCalls(ExecutionMode mode) {
		Retry retry = retry(2, BudgetConfig.of(0.2, 0, Duration.ofSeconds(10)));
		for (int i = 0; i < 100; i++) {
			mode.run(retry, this.scheduler, Script.of("ok"));
		}
		// The k-th failing call deposits too; counting its own retry, k retries against
		// 100 + k calls stay within the bound while k <= 0.2 * (100 + k), that is for k
		// <= 25.
		for (int k = 1; k <= 25; k++) {
			Outcome result = mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException("down " + k)));
			assertThat(result.invocations()).as("call %d", k).isEqualTo(2);
		}
		IOException last = new IOException("refused");
		Outcome refused = mode.run(retry, this.scheduler, Script.alwaysFailing(last));
		assertThat(refused.failure()).isSameAs(last);
		assertThat(refused.invocations()).isEqualTo(1);
		assertCounts(retry, 100, 0, 25, 0, 1, 25);
	}

	@InEveryExecutionMode
	void aRefusedRetryIsTheOnlyOutcomeCountedForItsCall(ExecutionMode mode) {
		Retry retry = retry(4, BudgetConfig.of(1.0, 0, Duration.ofSeconds(10)));
		// One call: 1 retry <= 1.0 * 1 call lets the first retry through, 2 <= 1.0
		// refuses the second.
		IOException second = new IOException("second");
		Outcome result = mode.run(retry, this.scheduler, Script.of(new IOException("first"), second));
		assertThat(result.failure()).isSameAs(second);
		assertThat(result.invocations()).isEqualTo(2);
		assertCounts(retry, 0, 0, 0, 0, 1, 1);
	}

	@InEveryExecutionMode
	void minRetriesPerSecondAllowsRetriesWhenThereAreFewCalls(ExecutionMode mode) {
		// 2 retries per second over 10 seconds: 20 retries whatever the ratio allows.
		Retry retry = retry(2, BudgetConfig.of(0.1, 2, Duration.ofSeconds(10)));
		for (int k = 1; k <= 20; k++) {
			Outcome result = mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException()));
			assertThat(result.invocations()).as("call %d", k).isEqualTo(2);
		}
		Outcome refused = mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException()));
		assertThat(refused.invocations()).isEqualTo(1);
		assertCounts(retry, 0, 0, 20, 0, 1, 20);
	}

	@InEveryExecutionMode
	void withoutTheFloorTheRatioAloneDecides(ExecutionMode mode) {
		Retry retry = retry(2, BudgetConfig.of(0.5, 0, Duration.ofSeconds(10)));
		// Counting the retry asked for: call 1: 1 <= 0.5 no; call 2: 1 <= 1.0 yes; call
		// 3: 2 <= 1.5 no; call 4: 2 <= 2.0 yes.
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(1);
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(2);
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(1);
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(2);
		assertCounts(retry, 0, 0, 2, 0, 2, 2);
	}

	@InEveryExecutionMode
	void windowExpiryRestoresTheBudget(ExecutionMode mode) {
		Retry retry = retry(2, BudgetConfig.of(0.5, 0, Duration.ofSeconds(2)));
		// Call 1: 1 retry <= 0.5 * 1 no; call 2: 1 <= 0.5 * 2 yes.
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(1);
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(2);
		this.ticker.advance(Duration.ofSeconds(1));
		// Still inside the window: a second retry against 3 calls, 2 <= 1.5 no.
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(1);
		this.ticker.advance(Duration.ofSeconds(1));
		// The first two calls and their retry have left the window: 1 retry against 2
		// calls, 1 <= 1.0.
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(2);
		assertCounts(retry, 0, 0, 2, 0, 2, 2);
	}

	@InEveryExecutionMode
	void aDisabledBudgetNeverRefuses(ExecutionMode mode) {
		Retry retry = retry(3, BudgetConfig.disabled());
		for (int i = 0; i < 50; i++) {
			assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations())
				.isEqualTo(3);
		}
		assertCounts(retry, 0, 0, 50, 0, 0, 100);
	}

	@InEveryExecutionMode
	void aRetryThatWouldExceedTheBudgetIsNotMadeEvenForALoneCall(ExecutionMode mode) {
		// docs/retry.md: counting it, 1 retry against 1 call is above 0.01 * 1; nothing
		// else allows it.
		Retry retry = retry(3, BudgetConfig.of(0.01, 0, Duration.ofSeconds(10)));
		IOException failure = new IOException("down");
		Outcome result = mode.run(retry, this.scheduler, Script.alwaysFailing(failure));
		assertThat(result.invocations()).as("attempts of a lone call under ratio 0.01").isEqualTo(1);
		assertThat(result.failure()).isSameAs(failure);
		assertCounts(retry, 0, 0, 0, 0, 1, 0);
	}

	@InEveryExecutionMode
	void aLoneFirstCallGetsNoRetryFromTheDefaultRatio(ExecutionMode mode) {
		// The example of docs/retry.md: with ratio 0.2, 0.2 retries are allowed, not one.
		Retry retry = retry(3, BudgetConfig.of(0.2, 0, Duration.ofSeconds(10)));
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(1);
		// Four more calls make five: 1 <= 0.2 * 5 lets exactly one retry through.
		for (int i = 0; i < 3; i++) {
			assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations())
				.isEqualTo(1);
		}
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(2);
	}

	@InEveryExecutionMode
	void aDecimalRatioAllowsExactlyItsShareDespiteBinaryRounding(ExecutionMode mode) {
		// 0.29 * 100 is 28.999999999999996 in double arithmetic; the user asked for 29
		// retries.
		Retry retry = retry(2, BudgetConfig.of(0.29, 0, Duration.ofSeconds(10)));
		for (int i = 0; i < 71; i++) {
			mode.run(retry, this.scheduler, Script.of("ok"));
		}
		// k-th failing call: k retries against 71 + k calls fit while k <= 0.29 * (71 +
		// k), k <= 29.
		for (int k = 1; k <= 29; k++) {
			assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations())
				.as("call %d", k)
				.isEqualTo(2);
		}
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(1);
	}

}
