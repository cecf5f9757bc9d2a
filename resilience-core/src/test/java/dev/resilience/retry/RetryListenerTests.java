package dev.resilience.retry;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.resilience.ContextPropagator;
import dev.resilience.retry.RetryConfig.Backoff;
import dev.resilience.retry.RetryConfig.BudgetConfig;
import dev.resilience.retry.RetryConfig.Jitter;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static dev.resilience.retry.RetryBehaviourTests.assertCounts;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The listener rule every policy of the engine follows, seen through a {@link Retry},
 * synchronous ({@code async = false}) and asynchronous: a listener registers once, a
 * throwing listener changes nothing about the call, a {@link VirtualMachineError} is
 * never swallowed.
 */
class RetryListenerTests {

	private static final long MS = 1_000_000L;

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private Retry retry(int maxAttempts) {
		RetryConfig config = RetryConfig.custom()
			.maxAttempts(maxAttempts)
			.waitDuration(Duration.ofMillis(100))
			.backoff(Backoff.FIXED)
			.jitter(Jitter.NONE)
			.budget(BudgetConfig.disabled())
			.build();
		return Retry.of("inventory", config, this.ticker, this.scheduler, ContextPropagator.NONE);
	}

	/**
	 * Runs one call whose attempts fail with {@code failures} in turn and then return
	 * "ok"; the asynchronous call's attempts return failed or completed stages. Returns
	 * "ok" or the failure.
	 */
	private Object call(Retry retry, boolean async, AtomicInteger invocations, Throwable... failures) {
		if (async) {
			CompletableFuture<String> result = retry.executeCompletionStage(() -> {
				int attempt = invocations.getAndIncrement();
				return (attempt < failures.length) ? CompletableFuture.<String>failedFuture(failures[attempt])
						: CompletableFuture.completedFuture("ok");
			}).toCompletableFuture();
			this.scheduler.runAll();
			assertThat(result).isDone();
			return result.handle((value, failure) -> (failure != null) ? failure : value).join();
		}
		try {
			return retry.execute((argument) -> {
				int attempt = invocations.getAndIncrement();
				if (attempt < failures.length) {
					throw failures[attempt];
				}
				return "ok";
			}, null);
		}
		catch (Throwable failure) {
			return failure;
		}
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void aListenerAddedTwiceIsCalledOnceAndOneRemovalUnregistersIt(boolean async) {
		Retry retry = retry(3);
		List<String> events = new ArrayList<>();
		RetryListener listener = new Recording(events);
		retry.addListener(listener);
		retry.addListener(listener);
		assertThat(call(retry, async, new AtomicInteger(), new IOException("down"))).isEqualTo("ok");
		assertThat(events).containsExactly("retry #2 after down in 100ms", "SUCCESSFUL_WITH_RETRY after 2");
		retry.removeListener(listener);
		assertThat(call(retry, async, new AtomicInteger())).isEqualTo("ok");
		assertThat(events).hasSize(2);
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void aThrowingListenerChangesNeitherResultNorFailureAndLaterListenersStillRun(boolean async) {
		Retry retry = retry(2);
		List<String> events = new ArrayList<>();
		retry.addListener(new RetryListener() {

			@Override
			public void onRetry(Retry source, int nextAttempt, Throwable failure, long delayNanos) {
				throw new IllegalStateException("listener bug");
			}

			@Override
			public void onOutcome(Retry source, RetryOutcome outcome, int attempts) {
				throw new IllegalStateException("listener bug");
			}

		});
		retry.addListener(new Recording(events));
		AtomicInteger invocations = new AtomicInteger();
		IOException last = new IOException("second");
		assertThat(call(retry, async, invocations, new IOException("first"), last)).isSameAs(last);
		assertThat(invocations).hasValue(2);
		assertThat(call(retry, async, new AtomicInteger(), new IOException("again"))).isEqualTo("ok");
		assertThat(events).containsExactly("retry #2 after first in 100ms", "FAILED_WITH_RETRY after 2",
				"retry #2 after again in 100ms", "SUCCESSFUL_WITH_RETRY after 2");
		assertCounts(retry, 0, 1, 1, 0, 0, 2);
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void anOutOfMemoryErrorThrownByAnOutcomeListenerReachesTheCaller(boolean async) {
		Retry retry = retry(3);
		OutOfMemoryError error = new OutOfMemoryError("listener");
		List<String> events = new ArrayList<>();
		retry.addListener(new RetryListener() {

			@Override
			public void onOutcome(Retry source, RetryOutcome outcome, int attempts) {
				throw error;
			}

		});
		retry.addListener(new Recording(events));
		assertThat(call(retry, async, new AtomicInteger())).isSameAs(error);
		// Counted before the listeners hear of it; the listener after the failing one is
		// not called.
		assertCounts(retry, 1, 0, 0, 0, 0, 0);
		assertThat(events).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void anOutOfMemoryErrorThrownByARetryListenerStopsTheRetries(boolean async) {
		Retry retry = retry(3);
		OutOfMemoryError error = new OutOfMemoryError("listener");
		retry.addListener(new RetryListener() {

			@Override
			public void onRetry(Retry source, int nextAttempt, Throwable failure, long delayNanos) {
				throw error;
			}

		});
		AtomicInteger invocations = new AtomicInteger();
		assertThat(call(retry, async, invocations, new IOException("down"))).isSameAs(error);
		assertThat(invocations).hasValue(1);
		assertThat(this.scheduler.requestedDelays()).isEmpty();
	}

	/** Writes each event as a line a test can compare. */
	private static final class Recording implements RetryListener {

		private final List<String> events;

		Recording(List<String> events) {
			this.events = events;
		}

		@Override
		public void onRetry(Retry source, int nextAttempt, Throwable failure, long delayNanos) {
			this.events
				.add("retry #" + nextAttempt + " after " + failure.getMessage() + " in " + delayNanos / MS + "ms");
		}

		@Override
		public void onOutcome(Retry source, RetryOutcome outcome, int attempts) {
			this.events.add(outcome + " after " + attempts);
		}

	}

}
