package dev.resilience.retry;

import java.io.IOException;
import java.time.Duration;

import dev.resilience.ContextPropagator;
import dev.resilience.retry.ExecutionMode.Result;
import dev.resilience.retry.ExecutionMode.Script;
import dev.resilience.retry.RetryConfig.Backoff;
import dev.resilience.retry.RetryConfig.BudgetConfig;
import dev.resilience.retry.RetryConfig.Jitter;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.resilience.retry.RetryBehaviourTests.assertCounts;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retry budget of SPEC §3, in every {@link ExecutionMode}. Backoffs are zero so that time
 * moves only when a test advances it; the expected figures are worked out by hand in each test.
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

	@ParameterizedTest
	@EnumSource(ExecutionMode.class)
	void refusesRetriesBeyondTheRatioOfRecentCalls(ExecutionMode mode) {
		Retry retry = retry(2, BudgetConfig.of(0.2, 0, Duration.ofSeconds(10)));
		for (int i = 0; i < 100; i++) {
			mode.run(retry, this.scheduler, Script.of("ok"));
		}
		// The k-th failing call deposits too: its retry passes while k - 1 < 0.2 * (100 + k), so for k <= 26.
		for (int k = 1; k <= 26; k++) {
			Result result = mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException("down " + k)));
			assertThat(result.invocations()).as("call %d", k).isEqualTo(2);
		}
		IOException last = new IOException("refused");
		Result refused = mode.run(retry, this.scheduler, Script.alwaysFailing(last));
		assertThat(refused.failure()).isSameAs(last);
		assertThat(refused.invocations()).isEqualTo(1);
		assertCounts(retry, 100, 0, 26, 0, 1, 26);
	}

	@ParameterizedTest
	@EnumSource(ExecutionMode.class)
	void aRefusedRetryIsTheOnlyOutcomeCountedForItsCall(ExecutionMode mode) {
		Retry retry = retry(4, BudgetConfig.of(0.5, 0, Duration.ofSeconds(10)));
		// One call: 0 < 0.5 * 1 lets the first retry through, 1 < 0.5 refuses the second.
		IOException second = new IOException("second");
		Result result = mode.run(retry, this.scheduler, Script.of(new IOException("first"), second));
		assertThat(result.failure()).isSameAs(second);
		assertThat(result.invocations()).isEqualTo(2);
		assertCounts(retry, 0, 0, 0, 0, 1, 1);
	}

	@ParameterizedTest
	@EnumSource(ExecutionMode.class)
	void minRetriesPerSecondAllowsRetriesWhenThereAreFewCalls(ExecutionMode mode) {
		// 2 retries per second over 10 seconds: 20 retries whatever the ratio allows.
		Retry retry = retry(2, BudgetConfig.of(0.1, 2, Duration.ofSeconds(10)));
		for (int k = 1; k <= 20; k++) {
			Result result = mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException()));
			assertThat(result.invocations()).as("call %d", k).isEqualTo(2);
		}
		Result refused = mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException()));
		assertThat(refused.invocations()).isEqualTo(1);
		assertCounts(retry, 0, 0, 20, 0, 1, 20);
	}

	@ParameterizedTest
	@EnumSource(ExecutionMode.class)
	void withoutTheFloorTheRatioAloneDecides(ExecutionMode mode) {
		Retry retry = retry(2, BudgetConfig.of(0.1, 0, Duration.ofSeconds(10)));
		// First call: 0 < 0.1 * 1 retries; second call: 1 < 0.1 * 2 does not.
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(2);
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(1);
		assertCounts(retry, 0, 0, 1, 0, 1, 1);
	}

	@ParameterizedTest
	@EnumSource(ExecutionMode.class)
	void windowExpiryRestoresTheBudget(ExecutionMode mode) {
		Retry retry = retry(2, BudgetConfig.of(0.1, 0, Duration.ofSeconds(2)));
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(2);
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(1);
		this.ticker.advance(Duration.ofSeconds(1));
		// Still inside the window: 1 retry against 3 calls.
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(1);
		this.ticker.advance(Duration.ofSeconds(1));
		// The first two calls and their retry have left the window: 0 retries against 2 calls.
		assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations()).isEqualTo(2);
		assertCounts(retry, 0, 0, 2, 0, 2, 2);
	}

	@ParameterizedTest
	@EnumSource(ExecutionMode.class)
	void aDisabledBudgetNeverRefuses(ExecutionMode mode) {
		Retry retry = retry(3, BudgetConfig.disabled());
		for (int i = 0; i < 50; i++) {
			assertThat(mode.run(retry, this.scheduler, Script.alwaysFailing(new IOException())).invocations())
				.isEqualTo(3);
		}
		assertCounts(retry, 0, 0, 50, 0, 0, 100);
	}

}
