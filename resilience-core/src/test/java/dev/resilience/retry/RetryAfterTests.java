package dev.resilience.retry;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.resilience.ContextPropagator;
import dev.resilience.ratelimiter.RequestNotPermittedException;
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
 * A wait the failure carries ({@code respect-retry-after}): the wait before the next
 * attempt is the larger of the backoff and that wait, no retry is made when that wait
 * exceeds the max wait, and the switch turns it all off. Every scenario runs in every
 * {@link ExecutionMode}.
 */
class RetryAfterTests {

	private static final long MS = 1_000_000L;

	private static final RetryAfterReader READER = (failure) -> (failure instanceof ServerBusyException busy)
			? busy.wait : null;

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private static RetryConfig.Builder config() {
		return RetryConfig.custom()
			.maxAttempts(3)
			.waitDuration(Duration.ofMillis(100))
			.backoff(Backoff.FIXED)
			.jitter(Jitter.NONE)
			.maxWaitDuration(Duration.ofSeconds(10))
			.budget(BudgetConfig.disabled())
			.retryAfterReader(READER);
	}

	private Retry retry(RetryConfig config) {
		return Retry.of("inventory", config, this.ticker, this.scheduler, ContextPropagator.NONE);
	}

	@Test
	void respectsRetryAfterByDefaultAndReadsNothingWithoutAReader() {
		assertThat(RetryConfig.ofDefaults().isRespectRetryAfter()).isTrue();
		assertThat(RetryConfig.ofDefaults().getRetryAfterReader()).isSameAs(RetryAfterReader.NONE);
	}

	@InEveryExecutionMode
	void waitsTheServersWaitWhenItIsLongerThanTheBackoff(ExecutionMode mode) {
		Retry retry = retry(config().build());
		Outcome result = mode.run(retry, this.scheduler, Script.of(busy(Duration.ofSeconds(2)), "ok"));
		assertThat(result.value()).isEqualTo("ok");
		assertThat(this.scheduler.requestedDelays()).containsExactly(2000 * MS);
		assertCounts(retry, 0, 1, 0, 0, 0, 1);
	}

	@InEveryExecutionMode
	void waitsTheBackoffWhenItIsLongerThanTheServersWait(ExecutionMode mode) {
		Retry retry = retry(config().waitDuration(Duration.ofMillis(500)).build());
		Outcome result = mode.run(retry, this.scheduler, Script.of(busy(Duration.ofMillis(100)), "ok"));
		assertThat(result.value()).isEqualTo("ok");
		assertThat(this.scheduler.requestedDelays()).containsExactly(500 * MS);
	}

	@InEveryExecutionMode
	void makesNoRetryWhenTheServersWaitExceedsTheMaxWait(ExecutionMode mode) {
		Retry retry = retry(config().maxWaitDuration(Duration.ofSeconds(1)).build());
		ServerBusyException busy = busy(Duration.ofMillis(1001));
		Outcome result = mode.run(retry, this.scheduler, Script.of(busy, "ok"));
		assertThat(result.failure()).isSameAs(busy);
		assertThat(result.invocations()).isEqualTo(1);
		assertThat(this.scheduler.requestedDelays()).isEmpty();
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

	@InEveryExecutionMode
	void aWaitBeyondTheMaxWaitAfterARetryEndsTheCallAsFailedWithRetry(ExecutionMode mode) {
		Retry retry = retry(config().maxWaitDuration(Duration.ofSeconds(1)).build());
		ServerBusyException busy = busy(Duration.ofDays(365 * 1000));
		Outcome result = mode.run(retry, this.scheduler, Script.of(new IOException("first"), busy, "ok"));
		assertThat(result.failure()).isSameAs(busy);
		assertThat(result.invocations()).isEqualTo(2);
		assertCounts(retry, 0, 0, 1, 0, 0, 1);
	}

	@InEveryExecutionMode
	void retriesWhenTheServersWaitEqualsTheMaxWait(ExecutionMode mode) {
		Retry retry = retry(config().maxWaitDuration(Duration.ofSeconds(1)).build());
		Outcome result = mode.run(retry, this.scheduler, Script.of(busy(Duration.ofSeconds(1)), "ok"));
		assertThat(result.value()).isEqualTo("ok");
		assertThat(this.scheduler.requestedDelays()).containsExactly(1000 * MS);
	}

	@InEveryExecutionMode
	void ignoresTheServersWaitWhenSwitchedOff(ExecutionMode mode) {
		Retry retry = retry(config().respectRetryAfter(false).maxWaitDuration(Duration.ofSeconds(1)).build());
		Outcome result = mode.run(retry, this.scheduler, Script.of(busy(Duration.ofHours(1)), "ok"));
		assertThat(result.value()).isEqualTo("ok");
		assertThat(this.scheduler.requestedDelays()).containsExactly(100 * MS);
	}

	@InEveryExecutionMode
	void findsTheWaitOnACauseOfTheFailure(ExecutionMode mode) {
		Retry retry = retry(config().build());
		RuntimeException wrapped = new IllegalStateException("client",
				new RuntimeException("transport", busy(Duration.ofSeconds(3))));
		Outcome result = mode.run(retry, this.scheduler, Script.of(wrapped, "ok"));
		assertThat(result.value()).isEqualTo("ok");
		assertThat(this.scheduler.requestedDelays()).containsExactly(3000 * MS);
	}

	@InEveryExecutionMode
	void knowsTheRateLimitersRefusalWithoutAReader(ExecutionMode mode) {
		Retry retry = retry(config().retryAfterReader(RetryAfterReader.NONE).build());
		Outcome result = mode.run(retry, this.scheduler,
				Script.of(new RequestNotPermittedException("downstream", Duration.ofMillis(750)), "ok"));
		assertThat(result.value()).isEqualTo("ok");
		assertThat(this.scheduler.requestedDelays()).containsExactly(750 * MS);
	}

	@InEveryExecutionMode
	void aReaderThatThrowsOrAnswersANegativeWaitCountsAsNoAnswer(ExecutionMode mode) {
		RetryAfterReader broken = (failure) -> {
			if (failure.getMessage().equals("throws")) {
				throw new IllegalStateException("broken reader");
			}
			return Duration.ofSeconds(-5);
		};
		Retry retry = retry(config().retryAfterReader(broken).build());
		Outcome result = mode.run(retry, this.scheduler,
				Script.of(new IOException("throws"), new IOException("negative"), "ok"));
		assertThat(result.value()).isEqualTo("ok");
		assertThat(this.scheduler.requestedDelays()).containsExactly(100 * MS, 100 * MS);
	}

	@InEveryExecutionMode
	void aCauseChainThatLoopsEndsTheSearch(ExecutionMode mode) {
		Retry retry = retry(config().build());
		RuntimeException first = new RuntimeException("a");
		RuntimeException second = new RuntimeException("b", first);
		first.initCause(second);
		Outcome result = mode.run(retry, this.scheduler, Script.of(first, "ok"));
		assertThat(result.value()).isEqualTo("ok");
		assertThat(this.scheduler.requestedDelays()).containsExactly(100 * MS);
	}

	@InEveryExecutionMode
	void listenersHearTheWaitActuallyMade(ExecutionMode mode) {
		Retry retry = retry(config().build());
		List<Long> heard = new ArrayList<>();
		retry.addListener(new RetryListener() {
			@Override
			public void onRetry(Retry source, int nextAttempt, Throwable failure, long delayNanos) {
				heard.add(delayNanos);
			}
		});
		mode.run(retry, this.scheduler, Script.of(busy(Duration.ofSeconds(2)), "ok"));
		assertThat(heard).containsExactly(2000 * MS);
	}

	@Test
	void aRefusedRetryDoesNotSpendTheBudget() {
		// Retries may equal calls (ratio 1.0). Had the refused call taken a token, the
		// second call's second retry (3 retries against 2 calls) would be refused.
		Retry retry = retry(config().maxWaitDuration(Duration.ofSeconds(1))
			.budget(BudgetConfig.of(1.0, 0, Duration.ofSeconds(10)))
			.build());
		Outcome refused = ExecutionMode.EXECUTE.run(retry, this.scheduler, Script.of(busy(Duration.ofMinutes(1))));
		assertThat(refused.invocations()).isEqualTo(1);
		Outcome next = ExecutionMode.EXECUTE.run(retry, this.scheduler,
				Script.of(new IOException("x"), new IOException("y"), "ok"));
		assertThat(next.value()).isEqualTo("ok");
		assertCounts(retry, 0, 1, 0, 1, 0, 2);
	}

	@Test
	void theCallerDrivenPathDecidesTheSameWay() {
		Retry retry = retry(config().maxWaitDuration(Duration.ofSeconds(5)).build());
		Retry.AttemptContext call = retry.begin();
		assertThat(call.onError(busy(Duration.ofSeconds(2)))).isEqualTo(2000 * MS);
		call.onRetry();
		assertThat(call.onError(busy(Duration.ofSeconds(6)))).isEqualTo(-1);
		assertCounts(retry, 0, 0, 1, 0, 0, 1);
	}

	private static ServerBusyException busy(Duration wait) {
		return new ServerBusyException(wait);
	}

	static final class ServerBusyException extends RuntimeException {

		private final Duration wait;

		ServerBusyException(Duration wait) {
			super("busy, retry after " + wait);
			this.wait = wait;
		}

	}

}
