package dev.resilience.retry;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
 * {@code docs/retry.md}, "Behaviour": retry never retries an {@link Error}, nor a call
 * whose thread was interrupted (an {@link InterruptedException} or
 * {@link InterruptedIOException}, or the interrupt flag set); it stops at once and the
 * thread stays interrupted.
 */
class RetryInterruptAndErrorTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	@AfterEach
	void clearInterrupt() {
		Thread.interrupted();
	}

	private Retry retry(Duration wait) {
		RetryConfig config = RetryConfig.custom()
			.maxAttempts(3)
			.waitDuration(wait)
			.backoff(Backoff.FIXED)
			.jitter(Jitter.NONE)
			.budget(BudgetConfig.disabled())
			.build();
		return Retry.of("inventory", config, this.ticker, this.scheduler, ContextPropagator.NONE);
	}

	@InEveryExecutionMode
	void neverRetriesAnError(ExecutionMode mode) {
		Retry retry = retry(Duration.ofMillis(100));
		OutOfMemoryError error = new OutOfMemoryError("simulated");
		Outcome result = mode.run(retry, this.scheduler, Script.alwaysFailing(error));
		assertThat(result.invocations()).as("attempts after an Error").isEqualTo(1);
		assertThat(result.failure()).isSameAs(error);
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

	@InEveryExecutionMode
	void neverRetriesAnErrorWrappedInACompletionException(ExecutionMode mode) {
		Retry retry = retry(Duration.ofMillis(100));
		AssertionError error = new AssertionError("simulated");
		Outcome result = mode.run(retry, this.scheduler, Script.alwaysFailing(new CompletionException(error)));
		assertThat(result.invocations()).isEqualTo(1);
	}

	@InEveryExecutionMode
	void neverRetriesAnInterruptedException(ExecutionMode mode) {
		Retry retry = retry(Duration.ofMillis(100));
		InterruptedException interrupted = new InterruptedException("interrupted");
		Outcome result = mode.run(retry, this.scheduler, Script.alwaysFailing(interrupted));
		assertThat(result.invocations()).as("attempts after an interrupt").isEqualTo(1);
		assertThat(result.failure()).isSameAs(interrupted);
	}

	@InEveryExecutionMode
	void neverRetriesAnInterruptedIOException(ExecutionMode mode) {
		Retry retry = retry(Duration.ofMillis(100));
		InterruptedIOException interrupted = new InterruptedIOException("interrupted");
		Outcome result = mode.run(retry, this.scheduler, Script.alwaysFailing(interrupted));
		assertThat(result.invocations()).isEqualTo(1);
		assertThat(result.failure()).isSameAs(interrupted);
	}

	@Test
	void anInterruptedCallStopsAtOnceAndTheThreadStaysInterrupted() {
		Retry retry = retry(Duration.ofMillis(100));
		InterruptedException interrupted = new InterruptedException("interrupted");
		Outcome result = ExecutionMode.EXECUTE.run(retry, this.scheduler, Script.of(interrupted, "recovered"));
		assertThat(result.failure()).as("an interrupted call must not come back as a success").isSameAs(interrupted);
		assertThat(result.invocations()).isEqualTo(1);
		assertThat(Thread.currentThread().isInterrupted()).as("interrupt flag after the call").isTrue();
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

	@Test
	void anInterruptedIOExceptionLeavesTheThreadInterrupted() {
		Retry retry = retry(Duration.ofMillis(100));
		ExecutionMode.EXECUTE.run(retry, this.scheduler, Script.of(new InterruptedIOException(), "recovered"));
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
	}

	@Test
	void theInterruptFlagStopsRetriesEvenWithAZeroWait() {
		Retry retry = retry(Duration.ZERO);
		IOException failure = new IOException("down");
		int[] attempts = new int[1];
		Outcome result;
		try {
			Object value = retry.execute((argument) -> {
				attempts[0]++;
				if (attempts[0] == 1) {
					// The method saw an interrupt, kept the flag, and failed for another
					// reason.
					Thread.currentThread().interrupt();
					throw failure;
				}
				return "recovered";
			}, null);
			result = new Outcome(value, null, attempts[0]);
		}
		catch (Throwable ex) {
			result = new Outcome(null, ex, attempts[0]);
		}
		assertThat(attempts[0]).as("attempts with the interrupt flag set").isEqualTo(1);
		assertThat(result.failure()).isSameAs(failure);
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
	}

	@Test
	void asyncAttemptThatReturnsWithTheInterruptFlagSetIsNotRetried() {
		Retry retry = retry(Duration.ZERO);
		IOException failure = new IOException("down");
		int[] attempts = new int[1];
		Outcome result = ExecutionMode.ASYNC_THROWING_CALL.run(retry, this.scheduler, Script.of(failure, "ok"));
		// The same scenario with the flag set on the thread that ran the attempt:
		Retry interruptedRetry = retry(Duration.ZERO);
		CompletableFuture<Object> handed = interruptedRetry.executeAsync((argument) -> {
			attempts[0]++;
			Thread.currentThread().interrupt();
			throw failure;
		}, null).toCompletableFuture();
		this.scheduler.runAll();
		Throwable thrown = handed.handle((value, ex) -> ex).join();
		assertThat(result.invocations()).as("without an interrupt the call is retried").isEqualTo(2);
		assertThat(attempts[0]).isEqualTo(1);
		assertThat(thrown).isSameAs(failure);
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
	}

	@InEveryExecutionMode
	void stillRetriesASocketTimeoutWhichIsATimeoutNotAnInterrupt(ExecutionMode mode) {
		Retry retry = retry(Duration.ofMillis(100));
		Outcome result = mode.run(retry, this.scheduler, Script.of(new SocketTimeoutException("read timed out"), "ok"));
		assertThat(result.invocations()).isEqualTo(2);
		assertThat(result.value()).isEqualTo("ok");
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

}
