package dev.resilience.timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Timeout#executeAsync} on fake time. */
class AsyncTimeoutTests {

	private static final Duration ONE_SECOND = Duration.ofSeconds(1);

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final Timeout timeout = Timeout.of("async", TimeoutConfig.custom().duration(ONE_SECOND).build(),
			this.ticker, this.scheduler);

	@Test
	void resultFailsAtTheDeadlineAndTheCallsStageIsCancelled() {
		CompletableFuture<String> inner = new CompletableFuture<>();

		CompletableFuture<String> result = this.timeout.executeCompletionStage(() -> inner).toCompletableFuture();
		this.scheduler.advance(ONE_SECOND.minusNanos(1));
		assertThat(result).isNotDone();
		assertThat(inner).isNotDone();
		this.scheduler.advance(Duration.ofNanos(1));

		assertThat(result).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(TimeoutExceededException.class);
		assertThat(inner).isCancelled();
		assertThat(this.timeout.getMetrics().getNumberOfTimedOutCalls()).isOne();
		// The call ending after all changes nothing.
		inner.complete("late");
		assertThat(this.timeout.getMetrics().getNumberOfSuccessfulCalls()).isZero();
	}

	@Test
	void callEndingFirstCancelsTheDeadline() {
		CompletableFuture<String> inner = new CompletableFuture<>();

		CompletableFuture<String> result = this.timeout.executeCompletionStage(() -> inner).toCompletableFuture();
		assertThat(this.scheduler.pendingTasks()).isOne();
		this.ticker.advance(Duration.ofMillis(300));
		inner.complete("on time");

		assertThat(result).isCompletedWithValue("on time");
		assertThat(this.scheduler.pendingTasks()).as("deadline task left").isZero();
		this.scheduler.runAll();
		assertThat(result).isCompletedWithValue("on time");
		assertThat(this.timeout.getMetrics().getNumberOfSuccessfulCalls()).isOne();
		assertThat(this.timeout.getMetrics().getNumberOfTimedOutCalls()).isZero();
	}

	@Test
	void failureBeforeTheDeadlinePassesThrough() {
		IllegalStateException failure = new IllegalStateException("down");

		CompletableFuture<Object> result = this.timeout
			.executeCompletionStage(() -> CompletableFuture.failedFuture(failure))
			.toCompletableFuture();

		assertThat(result).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class).withCause(failure);
		assertThat(this.scheduler.pendingTasks()).isZero();
		assertThat(this.timeout.getMetrics().getNumberOfFailedCalls()).isOne();
	}

	@Test
	void aCallThrowingOrReturningNullGivesAFailedStage() {
		CompletionStage<Object> thrown = this.timeout.executeAsync((ignored) -> {
			throw new IllegalStateException("boom");
		}, null);
		CompletionStage<Object> nothing = this.timeout.executeAsync((ignored) -> null, null);

		assertThat(thrown.toCompletableFuture()).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IllegalStateException.class);
		assertThat(nothing.toCompletableFuture()).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(NullPointerException.class);
		assertThat(this.timeout.getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
	}

	@Test
	void aCallThatReturnsItsStageAfterTheDeadlineHasTimedOut() {
		CompletableFuture<String> inner = new CompletableFuture<>();

		CompletableFuture<String> result = this.timeout.executeCompletionStage(() -> {
			this.ticker.advance(ONE_SECOND);
			return inner;
		}).toCompletableFuture();

		assertThat(result).isCompletedExceptionally();
		assertThat(inner).isCancelled();
		assertThat(this.scheduler.pendingTasks()).isZero();
	}

	@Test
	void aStageThatCannotBeCancelledStillTimesOut() {
		CompletableFuture<String> inner = new CompletableFuture<>();
		CompletionStage<String> minimal = inner.minimalCompletionStage();

		CompletableFuture<String> result = this.timeout.executeCompletionStage(() -> minimal).toCompletableFuture();
		this.scheduler.advance(ONE_SECOND);

		assertThat(result).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(TimeoutExceededException.class);
	}

	@Test
	void cancellingTheInnerStageRunsBeforeTheCallerHearsOfTheTimeout() {
		CompletableFuture<String> inner = new CompletableFuture<>();
		boolean[] innerCancelledWhenCallerHeard = new boolean[1];

		this.timeout.executeCompletionStage(() -> inner)
			.whenComplete((value, failure) -> innerCancelledWhenCallerHeard[0] = inner.isCancelled());
		this.scheduler.advance(ONE_SECOND);

		assertThat(innerCancelledWhenCallerHeard[0]).isTrue();
	}

}
