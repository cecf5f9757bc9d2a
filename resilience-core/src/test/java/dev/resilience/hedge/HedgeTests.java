package dev.resilience.hedge;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import dev.resilience.ContextPropagator;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A hedge on fake time: when hedges go out, who wins, what is cancelled, what is counted,
 * and what fails the call.
 */
class HedgeTests {

	private static final Duration DELAY = Duration.ofMillis(100);

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	/** The stage of each attempt started, in order. */
	private final List<CompletableFuture<String>> attempts = new ArrayList<>();

	private Hedge hedge(HedgeConfig.Builder config) {
		return Hedge.of("downstream", config.build(), this.ticker, this.scheduler, ContextPropagator.NONE);
	}

	/** A generous budget, so that only the test's subject decides about hedges. */
	private static HedgeConfig.Builder config() {
		return HedgeConfig.custom().delay(DELAY).budgetRatio(1.0);
	}

	/** Calls that succeed at once, so that the budget holds hedges for later calls. */
	private static void primeBudget(Hedge hedge, int calls) {
		for (int i = 0; i < calls; i++) {
			hedge.executeCompletionStage(() -> CompletableFuture.completedFuture("at once"));
		}
	}

	private CompletableFuture<String> call(Hedge hedge) {
		return hedge.<Void, String>executeAsync((ignored) -> {
			CompletableFuture<String> stage = new CompletableFuture<>();
			this.attempts.add(stage);
			return stage;
		}, null).toCompletableFuture();
	}

	@Test
	void primaryThatSucceedsBeforeTheDelaySendsNoHedgeAndLeavesNothingScheduled() {
		Hedge hedge = hedge(config());
		CompletableFuture<String> result = call(hedge);
		this.scheduler.advance(DELAY.minusMillis(1));
		this.attempts.get(0).complete("primary");
		assertThat(result).isCompletedWithValue("primary");
		assertThat(this.scheduler.pendingTasks()).isZero();
		this.scheduler.advance(DELAY.multipliedBy(10));
		assertThat(this.attempts).hasSize(1);
		assertThat(hedge.getMetrics().getNumberOfPrimaryWonCalls()).isEqualTo(1);
		assertThat(hedge.getMetrics().getNumberOfHedgedAttempts()).isZero();
	}

	@Test
	void primaryCompletedAtOnceSchedulesNothing() {
		Hedge hedge = hedge(config());
		CompletionStage<String> result = hedge.executeCompletionStage(() -> CompletableFuture.completedFuture("now"));
		assertThat(result.toCompletableFuture()).isCompletedWithValue("now");
		assertThat(this.scheduler.requestedDelays()).isEmpty();
		assertThat(hedge.getMetrics().getNumberOfPrimaryWonCalls()).isEqualTo(1);
	}

	@Test
	void hedgeSentAfterTheDelayWinsAndThePrimaryIsCancelled() {
		Hedge hedge = hedge(config());
		CompletableFuture<String> result = call(hedge);
		this.scheduler.advance(DELAY.minusMillis(1));
		assertThat(this.attempts).hasSize(1);
		this.scheduler.advance(Duration.ofMillis(1));
		assertThat(this.attempts).hasSize(2);
		this.attempts.get(1).complete("hedge");
		assertThat(result).isCompletedWithValue("hedge");
		assertThat(this.attempts.get(0)).isCancelled();
		assertThat(this.scheduler.pendingTasks()).isZero();
		assertThat(hedge.getMetrics().getNumberOfHedgeWonCalls()).isEqualTo(1);
		assertThat(hedge.getMetrics().getNumberOfPrimaryWonCalls()).isZero();
		assertThat(hedge.getMetrics().getNumberOfHedgedAttempts()).isEqualTo(1);
	}

	@Test
	void primaryWinningAfterTheHedgeWasSentCancelsTheHedge() {
		Hedge hedge = hedge(config());
		CompletableFuture<String> result = call(hedge);
		this.scheduler.advance(DELAY.plusMillis(5));
		this.attempts.get(0).complete("primary");
		assertThat(result).isCompletedWithValue("primary");
		assertThat(this.attempts.get(1)).isCancelled();
		assertThat(hedge.getMetrics().getNumberOfPrimaryWonCalls()).isEqualTo(1);
	}

	@Test
	void whenEveryAttemptFailsTheLastFailurePropagates() {
		Hedge hedge = hedge(config());
		CompletableFuture<String> result = call(hedge);
		this.scheduler.advance(DELAY);
		IOException first = new IOException("hedge failed first");
		IOException last = new IOException("primary failed last");
		this.attempts.get(1).completeExceptionally(first);
		assertThat(result).isNotDone();
		this.attempts.get(0).completeExceptionally(last);
		assertThat(causeOf(result)).isSameAs(last);
		assertThat(hedge.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@Test
	void lastFailureIsTheHedgesWhenTheHedgeFailsLast() {
		Hedge hedge = hedge(config());
		CompletableFuture<String> result = call(hedge);
		this.scheduler.advance(DELAY);
		IOException last = new IOException("hedge failed last");
		this.attempts.get(0).completeExceptionally(new IOException("primary"));
		this.attempts.get(1).completeExceptionally(last);
		assertThat(causeOf(result)).isSameAs(last);
	}

	@Test
	void primaryFailingBeforeTheDelayFailsTheCallAtOnceWithoutAHedge() {
		Hedge hedge = hedge(config());
		CompletableFuture<String> result = call(hedge);
		this.scheduler.advance(DELAY.dividedBy(2));
		IOException failure = new IOException("down");
		this.attempts.get(0).completeExceptionally(failure);
		assertThat(causeOf(result)).isSameAs(failure);
		assertThat(this.scheduler.pendingTasks()).isZero();
		this.scheduler.advance(DELAY.multipliedBy(5));
		assertThat(this.attempts).hasSize(1);
		assertThat(hedge.getMetrics().getNumberOfHedgedAttempts()).isZero();
	}

	@Test
	void aFailedAttemptWaitsForTheOthersAndTheNextHedgeStillGoesOut() {
		Hedge hedge = hedge(config().maxHedgedAttempts(2));
		primeBudget(hedge, 1);
		CompletableFuture<String> result = call(hedge);
		this.scheduler.advance(DELAY);
		this.attempts.get(0).completeExceptionally(new IOException("primary"));
		assertThat(result).isNotDone();
		this.scheduler.advance(DELAY);
		assertThat(this.attempts).hasSize(3);
		this.attempts.get(2).complete("third");
		assertThat(result).isCompletedWithValue("third");
		assertThat(this.attempts.get(1)).isCancelled();
	}

	@Test
	void maxHedgedAttemptsTwoSendsTwoHedgesOneDelayApartAndNoMore() {
		Hedge hedge = hedge(config().maxHedgedAttempts(2));
		primeBudget(hedge, 1);
		CompletableFuture<String> result = call(hedge);
		this.scheduler.advance(DELAY);
		assertThat(this.attempts).hasSize(2);
		this.scheduler.advance(DELAY.minusMillis(1));
		assertThat(this.attempts).hasSize(2);
		this.scheduler.advance(Duration.ofMillis(1));
		assertThat(this.attempts).hasSize(3);
		assertThat(this.scheduler.pendingTasks()).isZero();
		this.scheduler.advance(DELAY.multipliedBy(10));
		assertThat(this.attempts).hasSize(3);
		this.attempts.get(2).complete("third");
		assertThat(result).isCompletedWithValue("third");
		assertThat(this.attempts.get(0)).isCancelled();
		assertThat(this.attempts.get(1)).isCancelled();
		assertThat(hedge.getMetrics().getNumberOfHedgedAttempts()).isEqualTo(2);
	}

	@Test
	void budgetRefusingTheHedgeSendsNoneCountsItAndTheCallEndsByItsPrimary() {
		// 0.5 hedges per call: the first call's hedge would be 1 hedge for 1 call.
		Hedge hedge = hedge(config().budgetRatio(0.5));
		CompletableFuture<String> first = call(hedge);
		this.scheduler.advance(DELAY.multipliedBy(3));
		assertThat(this.attempts).hasSize(1);
		assertThat(hedge.getMetrics().getNumberOfBudgetExhaustedCalls()).isEqualTo(1);
		assertThat(this.scheduler.pendingTasks()).isZero();
		this.attempts.get(0).complete("slow primary");
		assertThat(first).isCompletedWithValue("slow primary");
		assertThat(hedge.getMetrics().getNumberOfPrimaryWonCalls()).isEqualTo(1);
		// Two calls in the window: one hedge fits.
		CompletableFuture<String> second = call(hedge);
		this.scheduler.advance(DELAY);
		assertThat(this.attempts).hasSize(3);
		this.attempts.get(2).complete("hedge");
		assertThat(second).isCompletedWithValue("hedge");
		assertThat(hedge.getMetrics().getNumberOfBudgetExhaustedCalls()).isEqualTo(1);
	}

	@Test
	void budgetWithDefaultRatioAllowsOneHedgePerTenCalls() {
		Hedge hedge = hedge(HedgeConfig.custom().delay(DELAY));
		for (int i = 0; i < 20; i++) {
			call(hedge);
		}
		this.scheduler.advance(DELAY);
		// 20 calls at 0.1: two hedges, the other 18 refused.
		assertThat(this.attempts).hasSize(22);
		assertThat(hedge.getMetrics().getNumberOfHedgedAttempts()).isEqualTo(2);
		assertThat(hedge.getMetrics().getNumberOfBudgetExhaustedCalls()).isEqualTo(18);
	}

	@Test
	void learnedDelayQuantileDelaysTheHedgeButNeverBelowTheDelay() {
		Hedge hedge = hedge(config().delay(Duration.ofMillis(10)).delayQuantile(0.9).budgetRatio(0.001));
		assertThat(hedge.getCurrentDelay()).isEqualTo(Duration.ofMillis(10));
		for (int i = 0; i < 100; i++) {
			CompletableFuture<String> result = call(hedge);
			this.scheduler.advance(Duration.ofMillis(200));
			this.attempts.get(this.attempts.size() - 1).complete("slow");
			assertThat(result).isDone();
		}
		this.ticker.advance(Duration.ofSeconds(2));
		Duration learned = hedge.getCurrentDelay();
		// 200ms, rounded up to its bucket (within 1/16).
		assertThat(learned).isBetween(Duration.ofMillis(200), Duration.ofMillis(214));
		int before = this.scheduler.requestedDelays().size();
		call(hedge);
		assertThat(this.scheduler.requestedDelays()).hasSize(before + 1).last().isEqualTo(learned.toNanos());
	}

	@Test
	void learnedQuantileBelowTheDelayLeavesTheDelay() {
		Hedge hedge = hedge(config().delay(Duration.ofMillis(50)).delayQuantile(0.5));
		for (int i = 0; i < 100; i++) {
			call(hedge);
			this.scheduler.advance(Duration.ofMillis(1));
			this.attempts.get(this.attempts.size() - 1).complete("fast");
		}
		this.ticker.advance(Duration.ofSeconds(2));
		assertThat(hedge.getCurrentDelay()).isEqualTo(Duration.ofMillis(50));
	}

	@Test
	void callerCancellingTheResultCancelsEveryAttemptAndThePendingHedge() {
		Hedge hedge = hedge(config().maxHedgedAttempts(2));
		primeBudget(hedge, 1);
		CompletableFuture<String> result = call(hedge);
		this.scheduler.advance(DELAY);
		assertThat(result.cancel(true)).isTrue();
		assertThat(this.attempts).hasSize(2).allMatch(CompletableFuture::isCancelled);
		assertThat(this.scheduler.pendingTasks()).isZero();
		this.scheduler.advance(DELAY.multipliedBy(5));
		assertThat(this.attempts).hasSize(2);
		assertThat(hedge.getMetrics().getNumberOfPrimaryWonCalls() + hedge.getMetrics().getNumberOfHedgeWonCalls()
				+ hedge.getMetrics().getNumberOfFailedCalls())
			.as("the priming call only")
			.isEqualTo(1);
	}

	@Test
	void primaryThrowingSynchronouslyFailsTheCallWithWhatItThrew() {
		Hedge hedge = hedge(config());
		IllegalStateException thrown = new IllegalStateException("thrown");
		CompletionStage<String> result = hedge.executeCompletionStage(() -> {
			throw thrown;
		});
		assertThat(causeOf(result.toCompletableFuture())).isSameAs(thrown);
		assertThat(this.scheduler.pendingTasks()).isZero();
	}

	@Test
	void hedgeThrowingSynchronouslyIsAFailedAttemptAndThePrimaryMayStillWin() {
		Hedge hedge = hedge(config());
		CompletableFuture<String> primary = new CompletableFuture<>();
		int[] calls = { 0 };
		CompletableFuture<String> result = hedge.executeCompletionStage(() -> {
			if (calls[0]++ == 0) {
				return primary;
			}
			throw new IllegalStateException("hedge could not start");
		}).toCompletableFuture();
		this.scheduler.advance(DELAY);
		assertThat(calls[0]).isEqualTo(2);
		assertThat(result).isNotDone();
		primary.complete("primary");
		assertThat(result).isCompletedWithValue("primary");
	}

	@Test
	void nullStageIsAFailedAttempt() {
		Hedge hedge = hedge(config());
		CompletionStage<String> result = hedge.executeCompletionStage(() -> null);
		assertThat(causeOf(result.toCompletableFuture())).isInstanceOf(NullPointerException.class)
			.hasMessageContaining("downstream");
	}

	@Test
	void anErrorIsAFailedAttemptLikeAnother() {
		Hedge hedge = hedge(config());
		CompletableFuture<String> result = call(hedge);
		this.scheduler.advance(DELAY);
		AssertionError error = new AssertionError("error");
		this.attempts.get(0).completeExceptionally(error);
		assertThat(result).isNotDone();
		this.attempts.get(1).complete("hedge");
		assertThat(result).isCompletedWithValue("hedge");
	}

	@Test
	void virtualMachineErrorEndsTheCallAtOnceAndCancelsTheOthers() {
		Hedge hedge = hedge(config());
		CompletableFuture<String> result = call(hedge);
		this.scheduler.advance(DELAY);
		StackOverflowError fatal = new StackOverflowError();
		this.attempts.get(1).completeExceptionally(fatal);
		assertThat(causeOf(result)).isSameAs(fatal);
		assertThat(this.attempts.get(0)).isCancelled();
	}

	@Test
	void lateSuccessAfterTheWinnerIsIgnored() {
		Hedge hedge = hedge(config());
		CompletableFuture<String> uncancellable = new CompletableFuture<>() {
			@Override
			public boolean cancel(boolean mayInterruptIfRunning) {
				return false;
			}
		};
		CompletableFuture<String> hedged = new CompletableFuture<>();
		int[] calls = { 0 };
		CompletableFuture<String> result = hedge
			.executeCompletionStage(() -> (calls[0]++ == 0) ? uncancellable : hedged)
			.toCompletableFuture();
		this.scheduler.advance(DELAY);
		hedged.complete("hedge");
		uncancellable.complete("late primary");
		assertThat(result).isCompletedWithValue("hedge");
		assertThat(hedge.getMetrics().getNumberOfHedgeWonCalls()).isEqualTo(1);
		assertThat(hedge.getMetrics().getNumberOfPrimaryWonCalls()).isZero();
	}

	@Test
	void hedgeRunsInTheCallersContext() {
		ThreadLocal<String> context = new ThreadLocal<>();
		ContextPropagator propagator = (task) -> {
			String captured = context.get();
			return () -> {
				String before = context.get();
				context.set(captured);
				try {
					task.run();
				}
				finally {
					context.set(before);
				}
			};
		};
		Hedge hedge = Hedge.of("downstream", config().build(), this.ticker, this.scheduler, propagator);
		List<String> seen = new ArrayList<>();
		context.set("caller");
		hedge.executeCompletionStage(() -> {
			seen.add(context.get());
			return new CompletableFuture<String>();
		});
		context.remove();
		this.scheduler.advance(DELAY);
		assertThat(seen).containsExactly("caller", "caller");
	}

	@Test
	void listenersHearOfHedgesAndOutcomes() {
		Hedge hedge = hedge(config().budgetRatio(0.5));
		List<String> events = new ArrayList<>();
		hedge.addListener(new HedgeListener() {
			@Override
			public void onHedge(Hedge source, int attempt) {
				events.add("hedge " + attempt);
			}

			@Override
			public void onOutcome(Hedge source, HedgeOutcome outcome) {
				events.add(outcome.name());
			}
		});
		call(hedge);
		this.scheduler.advance(DELAY);
		this.attempts.get(0).complete("a");
		call(hedge);
		this.scheduler.advance(DELAY);
		this.attempts.get(2).complete("b");
		assertThat(events).containsExactly("BUDGET_EXHAUSTED", "PRIMARY_WON", "hedge 2", "HEDGE_WON");
	}

	private static Throwable causeOf(CompletableFuture<?> result) {
		assertThat(result).isCompletedExceptionally();
		Throwable thrown = catchThrowable(result::get);
		assertThat(thrown).isInstanceOf(ExecutionException.class);
		return thrown.getCause();
	}

}
