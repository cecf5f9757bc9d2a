package dev.resilience.retry;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.retry.RetryConfig.Backoff;
import dev.resilience.retry.RetryConfig.BudgetConfig;
import dev.resilience.retry.RetryConfig.Jitter;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static dev.resilience.retry.RetryBehaviourTests.assertCounts;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What only the {@code CompletionStage} path promises: no blocking, context propagation,
 * one completion.
 */
class RetryAsyncTests {

	private static final ThreadLocal<String> CONTEXT = new ThreadLocal<>();

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler fakeScheduler = new FakeScheduler(this.ticker);

	private final AtomicInteger sleeps = new AtomicInteger();

	private final AtomicInteger schedules = new AtomicInteger();

	/** Counts how the retry waits; delegates to the fake so that time still moves. */
	private final Scheduler scheduler = new Scheduler() {

		@Override
		public Cancellable schedule(Runnable task, long delayNanos) {
			RetryAsyncTests.this.schedules.incrementAndGet();
			return RetryAsyncTests.this.fakeScheduler.schedule(task, delayNanos);
		}

		@Override
		public void sleep(long delayNanos) {
			RetryAsyncTests.this.sleeps.incrementAndGet();
			RetryAsyncTests.this.fakeScheduler.sleep(delayNanos);
		}

	};

	private final List<Thread> wrappingThreads = Collections.synchronizedList(new ArrayList<>());

	/**
	 * Captures {@link #CONTEXT} when wrapping and restores it around the task, like MDC
	 * propagation.
	 */
	private final ContextPropagator threadLocalPropagator = (task) -> {
		this.wrappingThreads.add(Thread.currentThread());
		String captured = CONTEXT.get();
		return () -> {
			String previous = CONTEXT.get();
			CONTEXT.set(captured);
			try {
				task.run();
			}
			finally {
				CONTEXT.set(previous);
			}
		};
	};

	@AfterEach
	void clearContext() {
		CONTEXT.remove();
	}

	private static RetryConfig config(int maxAttempts) {
		return RetryConfig.custom()
			.maxAttempts(maxAttempts)
			.waitDuration(Duration.ofMillis(100))
			.backoff(Backoff.FIXED)
			.jitter(Jitter.NONE)
			.budget(BudgetConfig.disabled())
			.build();
	}

	private Retry retry(int maxAttempts) {
		return Retry.of("inventory", config(maxAttempts), this.ticker, this.scheduler, this.threadLocalPropagator);
	}

	@Test
	void schedulesRetriesWithoutEverSleeping() {
		Retry retry = retry(3);
		AtomicInteger invocations = new AtomicInteger();
		CompletableFuture<String> result = retry.executeCompletionStage(() -> (invocations.incrementAndGet() < 3)
				? CompletableFuture.<String>failedFuture(new IOException("down"))
				: CompletableFuture.completedFuture("ok"))
			.toCompletableFuture();
		assertThat(result).isNotDone();
		assertThat(this.fakeScheduler.pendingTasks()).isEqualTo(1);
		this.fakeScheduler.runAll();
		assertThat(result).isCompletedWithValue("ok");
		assertThat(this.schedules).hasValue(2);
		assertThat(this.sleeps).hasValue(0);
	}

	@Test
	void runsRetriesInTheCallersContextOnTheSchedulersThread() throws InterruptedException {
		Retry retry = retry(3);
		List<String> seenContexts = Collections.synchronizedList(new ArrayList<>());
		AtomicInteger invocations = new AtomicInteger();
		CONTEXT.set("request-42");
		Thread caller = Thread.currentThread();
		CompletableFuture<String> result = retry.executeCompletionStage(() -> {
			seenContexts.add(CONTEXT.get());
			return (invocations.incrementAndGet() < 3) ? CompletableFuture.<String>failedFuture(new IOException())
					: CompletableFuture.completedFuture("ok");
		}).toCompletableFuture();
		CONTEXT.remove();
		Thread schedulerThread = new Thread(this.fakeScheduler::runAll, "fake-scheduler");
		schedulerThread.start();
		schedulerThread.join();
		assertThat(result).isCompletedWithValue("ok");
		assertThat(seenContexts).containsExactly("request-42", "request-42", "request-42");
		assertThat(this.wrappingThreads).containsExactly(caller);
	}

	@Test
	void wrapsOnTheCallersThreadEvenWhenTheFailureArrivesOnAnotherThread() throws InterruptedException {
		Retry retry = retry(2);
		CompletableFuture<String> firstAttempt = new CompletableFuture<>();
		List<String> seenContexts = Collections.synchronizedList(new ArrayList<>());
		AtomicInteger invocations = new AtomicInteger();
		CONTEXT.set("request-7");
		CompletableFuture<String> result = retry.executeCompletionStage(() -> {
			seenContexts.add(CONTEXT.get());
			return (invocations.incrementAndGet() == 1) ? firstAttempt : CompletableFuture.completedFuture("ok");
		}).toCompletableFuture();
		CONTEXT.remove();
		Thread completer = new Thread(() -> firstAttempt.completeExceptionally(new IOException()), "downstream");
		completer.start();
		completer.join();
		this.fakeScheduler.runAll();
		assertThat(result).isCompletedWithValue("ok");
		assertThat(seenContexts).containsExactly("request-7", "request-7");
		assertThat(CONTEXT.get()).as("context restored after the continuation").isNull();
	}

	@Test
	void aNullStageIsAFailedAttempt() {
		Retry retry = retry(3);
		AtomicInteger invocations = new AtomicInteger();
		CompletableFuture<String> result = retry
			.executeCompletionStage(
					() -> (invocations.incrementAndGet() < 3) ? null : CompletableFuture.completedFuture("ok"))
			.toCompletableFuture();
		this.fakeScheduler.runAll();
		assertThat(result).isCompletedWithValue("ok");
		assertCounts(retry, 0, 1, 0, 0, 0, 2);
	}

	@Test
	void aNullStageOnTheLastAttemptFailsWithANamedNullPointerException() {
		Retry retry = retry(1);
		CompletableFuture<String> result = retry.<String>executeCompletionStage(() -> null).toCompletableFuture();
		assertThat(result).isCompletedExceptionally();
		assertThat(result.handle((value, ex) -> ex).join()).isInstanceOf(NullPointerException.class)
			.hasMessageContaining("'inventory'");
	}

	@Test
	void completesOnceWhenAStageReportsItsCompletionTwice() {
		Retry retry = retry(3);
		List<RetryOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
		retry.addListener(new RetryListener() {

			@Override
			public void onOutcome(Retry source, RetryOutcome outcome, int attempts) {
				outcomes.add(outcome);
			}

		});
		IOException failure = new IOException("twice");
		AtomicInteger invocations = new AtomicInteger();
		CompletableFuture<String> result = retry
			.executeCompletionStage(() -> (invocations.incrementAndGet() == 1)
					? new DoubleReportingStage<String>(failure) : CompletableFuture.completedFuture("ok"))
			.toCompletableFuture();
		this.fakeScheduler.runAll();
		assertThat(result).isCompletedWithValue("ok");
		assertThat(invocations).hasValue(2);
		assertThat(this.schedules).hasValue(1);
		assertThat(outcomes).containsExactly(RetryOutcome.SUCCESSFUL_WITH_RETRY);
	}

	@Test
	void aStageThatRefusesCallbacksIsAFailedAttempt() {
		Retry retry = retry(2);
		AtomicInteger invocations = new AtomicInteger();
		CompletableFuture<String> result = retry.executeCompletionStage(() -> (invocations.incrementAndGet() == 1)
				? new CallbackRefusingStage<String>() : CompletableFuture.completedFuture("ok"))
			.toCompletableFuture();
		this.fakeScheduler.runAll();
		assertThat(result).isCompletedWithValue("ok");
		assertCounts(retry, 0, 1, 0, 0, 0, 1);
	}

	@Test
	void cancellingTheReturnedStageStopsFurtherRetries() {
		Retry retry = retry(5);
		AtomicInteger invocations = new AtomicInteger();
		CompletableFuture<String> result = retry.executeCompletionStage(() -> {
			invocations.incrementAndGet();
			return CompletableFuture.<String>failedFuture(new IOException());
		}).toCompletableFuture();
		assertThat(this.fakeScheduler.pendingTasks()).isEqualTo(1);
		result.cancel(false);
		this.fakeScheduler.runAll();
		assertThat(invocations).hasValue(1);
		assertThat(result).isCancelled();
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

	@Test
	void aSchedulerThatRejectsTheRetryFailsTheCallWithTheLastFailure() {
		Scheduler rejecting = new Scheduler() {

			@Override
			public Cancellable schedule(Runnable task, long delayNanos) {
				throw new RejectedExecutionException("shut down");
			}

			@Override
			public void sleep(long delayNanos) {
				throw new AssertionError("never sleeps");
			}

		};
		Retry retry = Retry.of("inventory", config(3), this.ticker, rejecting, ContextPropagator.NONE);
		IOException failure = new IOException("down");
		CompletableFuture<String> result = retry
			.executeCompletionStage(() -> CompletableFuture.<String>failedFuture(failure))
			.toCompletableFuture();
		assertThat(result.handle((value, ex) -> ex).join()).isSameAs(failure);
		assertThat(failure.getSuppressed()).singleElement().isInstanceOf(RejectedExecutionException.class);
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

	@Test
	void aContextThatCannotBeRestoredForTheNextAttemptFailsTheCallInsteadOfLeavingItPending() {
		ContextPropagator unrestorable = (task) -> () -> {
			throw new IllegalStateException("context could not be restored");
		};
		Retry retry = Retry.of("inventory", config(3), this.ticker, this.fakeScheduler, unrestorable);
		IOException failure = new IOException("down");
		AtomicInteger invocations = new AtomicInteger();
		CompletableFuture<String> result = retry.executeCompletionStage(() -> {
			invocations.incrementAndGet();
			return CompletableFuture.<String>failedFuture(failure);
		}).toCompletableFuture();
		assertThat(result).as("waiting for the retry").isNotDone();

		this.fakeScheduler.advance(Duration.ofSeconds(1));

		assertThat(result).as("the caller's stage").isCompletedExceptionally();
		assertThat(result.handle((value, ex) -> ex).join()).isSameAs(failure);
		assertThat(failure.getSuppressed()).hasSize(1);
		assertThat(failure.getSuppressed()[0]).isInstanceOf(IllegalStateException.class)
			.hasMessage("context could not be restored");
		assertThat(invocations).as("attempts made").hasValue(1);
		assertCounts(retry, 0, 0, 0, 1, 0, 0);
	}

	@Test
	void doesNotWrapWhenNoRetryCanHappen() {
		Retry retry = retry(1);
		retry.executeCompletionStage(() -> CompletableFuture.completedFuture("ok"));
		assertThat(this.wrappingThreads).isEmpty();
	}

	/** A broken stage whose completion cannot be observed. */
	private static final class CallbackRefusingStage<T> extends CompletableFuture<T> {

		@Override
		public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
			throw new UnsupportedOperationException("no callbacks");
		}

	}

	/** A misbehaving stage that calls every completion callback twice. */
	private static final class DoubleReportingStage<T> extends CompletableFuture<T> {

		private final Throwable failure;

		DoubleReportingStage(Throwable failure) {
			this.failure = failure;
		}

		@Override
		public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
			action.accept(null, this.failure);
			action.accept(null, this.failure);
			return new CompletableFuture<>();
		}

	}

}
