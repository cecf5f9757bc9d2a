package dev.resilience.retry;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.retry.RetryConfig.Backoff;
import dev.resilience.retry.RetryConfig.BudgetConfig;
import dev.resilience.retry.RetryConfig.Jitter;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static dev.resilience.retry.RetryBehaviourTests.assertCounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * A retry reconfigured in place: the next calls take the new configuration, a call
 * already running keeps the one it started with, counters and listeners stay.
 */
class RetryReconfigurationTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final AtomicInteger attempts = new AtomicInteger();

	private final CheckedFunction<String, String> failing = (argument) -> {
		this.attempts.incrementAndGet();
		throw new IOException("boom");
	};

	private static RetryConfig.Builder config(int maxAttempts) {
		return RetryConfig.custom()
			.maxAttempts(maxAttempts)
			.waitDuration(Duration.ofMillis(100))
			.backoff(Backoff.FIXED)
			.jitter(Jitter.NONE)
			.budget(BudgetConfig.disabled());
	}

	private Retry retry(RetryConfig config) {
		return Retry.of("inventory", config, this.ticker, this.scheduler, ContextPropagator.NONE);
	}

	private int attemptsOf(Retry retry) {
		this.attempts.set(0);
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> retry.execute(this.failing, "a"));
		return this.attempts.get();
	}

	@Test
	void nextCallTakesTheNewMaxAttempts() {
		Retry retry = retry(config(3).build());
		AtomicInteger retriesHeard = new AtomicInteger();
		retry.addListener(new RetryListener() {

			@Override
			public void onRetry(Retry source, int nextAttempt, Throwable failure, long delayNanos) {
				retriesHeard.incrementAndGet();
			}

		});
		assertThat(attemptsOf(retry)).isEqualTo(3);
		retry.reconfigure(config(5).build());
		assertThat(retry.getConfig().getMaxAttempts()).isEqualTo(5);
		assertThat(attemptsOf(retry)).isEqualTo(5);
		// Same object: the counters and the listener go on.
		assertCounts(retry, 0, 0, 2, 0, 0, 6);
		assertThat(retriesHeard).hasValue(6);
	}

	@Test
	void nextCallTakesTheNewWait() {
		Retry retry = retry(config(2).build());
		retry.reconfigure(config(2).waitDuration(Duration.ofMillis(700)).build());
		attemptsOf(retry);
		assertThat(this.scheduler.requestedDelays()).containsExactly(Duration.ofMillis(700).toNanos());
	}

	@Test
	void asynchronousCallAlreadyRunningKeepsTheConfigurationItStartedWith() {
		Retry retry = retry(config(2).build());
		CompletionStage<String> running = retry.executeAsync((argument) -> {
			this.attempts.incrementAndGet();
			return CompletableFuture.failedFuture(new IOException("boom"));
		}, "a");
		assertThat(this.attempts).hasValue(1);
		retry.reconfigure(config(6).build());
		this.scheduler.runAll();
		assertThat(running.toCompletableFuture()).isCompletedExceptionally();
		assertThat(this.attempts).hasValue(2);
	}

	@Test
	void callerDrivenCallAlreadyRunningKeepsTheConfigurationItStartedWith() {
		Retry retry = retry(config(2).build());
		Retry.AttemptContext call = retry.begin();
		retry.reconfigure(config(6).build());
		assertThat(call.onError(new IOException("first"))).isGreaterThanOrEqualTo(0);
		call.onRetry();
		assertThat(call.onError(new IOException("second"))).isNegative();
	}

	@Test
	void budgetKeepsWhatItCountedWhenItsSettingsAreUnchanged() throws Throwable {
		// 10 calls let a ratio of 0.1 allow one retry; a budget starting empty allows
		// none.
		BudgetConfig budget = BudgetConfig.of(0.1, 0, Duration.ofSeconds(10));
		Retry retry = retry(config(3).budget(budget).build());
		for (int i = 0; i < 9; i++) {
			retry.execute((argument) -> argument, "a");
		}
		retry.reconfigure(config(4).budget(budget).build());
		assertThat(attemptsOf(retry)).isEqualTo(2);
		assertThat(retry.getMetrics().getNumberOfBudgetExhaustedCalls()).isEqualTo(1);
	}

	@Test
	void budgetOfOtherSettingsStartsEmpty() throws Throwable {
		Retry retry = retry(config(3).budget(BudgetConfig.of(0.1, 0, Duration.ofSeconds(10))).build());
		for (int i = 0; i < 9; i++) {
			retry.execute((argument) -> argument, "a");
		}
		retry.reconfigure(config(3).budget(BudgetConfig.of(0.2, 0, Duration.ofSeconds(10))).build());
		// One call in the new budget: 0.2 retries allowed, so none.
		assertThat(attemptsOf(retry)).isEqualTo(1);
	}

	@Test
	void nullConfigurationIsRefusedAndTheOldOneStays() {
		Retry retry = retry(config(3).build());
		RetryConfig before = retry.getConfig();
		assertThatNullPointerException().isThrownBy(() -> retry.reconfigure(null));
		assertThat(retry.getConfig()).isSameAs(before);
	}

}
