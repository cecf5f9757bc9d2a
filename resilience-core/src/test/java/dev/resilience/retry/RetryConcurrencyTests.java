package dev.resilience.retry;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.retry.RetryConfig.Backoff;
import dev.resilience.retry.RetryConfig.BudgetConfig;
import dev.resilience.retry.RetryConfig.Jitter;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads through one {@link Retry} with a budget. Every call here deposits and
 * every odd call always fails, so retries are wanted far beyond what the budget allows;
 * the budget's check-and-withdraw must hold its bound however the threads interleave.
 */
class RetryConcurrencyTests {

	private static final int THREADS = 8;

	private static final int CALLS_PER_THREAD = 2_000;

	private static final int CALLS = THREADS * CALLS_PER_THREAD;

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);

	private final AtomicLong invocations = new AtomicLong();

	@AfterEach
	void shutDown() throws InterruptedException {
		this.pool.shutdownNow();
		assertThat(this.pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
	}

	private Retry retry(BudgetConfig budget) {
		RetryConfig config = RetryConfig.custom()
			.maxAttempts(3)
			.waitDuration(Duration.ZERO)
			.backoff(Backoff.FIXED)
			.jitter(Jitter.NONE)
			.budget(budget)
			.build();
		return Retry.of("inventory", config, this.ticker, this.scheduler, ContextPropagator.NONE);
	}

	private final CheckedFunction<Integer, String> syncAttempt = (call) -> {
		this.invocations.incrementAndGet();
		if (call % 2 == 1) {
			throw new IOException("down");
		}
		return "ok";
	};

	private final CheckedFunction<Integer, CompletionStage<String>> asyncAttempt = (call) -> {
		this.invocations.incrementAndGet();
		return (call % 2 == 1) ? CompletableFuture.failedFuture(new IOException("down"))
				: CompletableFuture.completedFuture("ok");
	};

	@Test
	void synchronousRetriesNeverExceedTheBudgetUnderContention() throws Exception {
		Retry retry = retry(BudgetConfig.of(0.2, 0, Duration.ofSeconds(10)));
		runConcurrently((call) -> {
			try {
				retry.execute(this.syncAttempt, call);
			}
			catch (Throwable expected) {
				// odd calls fail; the invariants below check how
			}
		});
		// 0.2 of 16,000 calls: at most 3,200 retries, though the 8,000 failing calls want
		// 16,000.
		assertInvariants(retry, 3_200);
	}

	@Test
	void asynchronousRetriesNeverExceedTheBudgetUnderContention() throws Exception {
		Retry retry = retry(BudgetConfig.of(0.2, 0, Duration.ofSeconds(10)));
		List<CompletableFuture<String>> results = Collections.synchronizedList(new ArrayList<>());
		runConcurrently((call) -> results.add(retry.executeAsync(this.asyncAttempt, call).toCompletableFuture()));
		this.scheduler.runAll();
		assertThat(results).hasSize(CALLS).allMatch(CompletableFuture::isDone);
		assertInvariants(retry, 3_200);
	}

	@Test
	void theFloorBoundsRetriesWhenItExceedsTheRatio() throws Exception {
		// 0.01 of 16,000 calls is 160, but 50 retries per second over 10 seconds allow
		// 500.
		Retry retry = retry(BudgetConfig.of(0.01, 50, Duration.ofSeconds(10)));
		runConcurrently((call) -> {
			try {
				retry.execute(this.syncAttempt, call);
			}
			catch (Throwable expected) {
				// odd calls fail
			}
		});
		assertInvariants(retry, 500);
	}

	@Test
	void countsEveryCallOnceWhileTheWindowRollsUnderContention() throws Exception {
		Retry retry = retry(BudgetConfig.of(0.2, 0, Duration.ofSeconds(2)));
		AtomicBoolean running = new AtomicBoolean(true);
		Future<?> clock = this.pool.submit(() -> {
			for (int i = 0; i < 100_000 && running.get(); i++) {
				this.ticker.advance(Duration.ofMillis(1));
			}
		});
		try {
			runConcurrently((call) -> {
				try {
					retry.execute(this.syncAttempt, call);
				}
				catch (Throwable expected) {
					// odd calls fail
				}
			});
		}
		finally {
			running.set(false);
			clock.get(30, TimeUnit.SECONDS);
		}
		Retry.Metrics metrics = retry.getMetrics();
		assertThat(outcomeSum(metrics)).isEqualTo(CALLS);
		assertThat(metrics.getNumberOfRetryAttempts()).isEqualTo(this.invocations.get() - CALLS).isPositive();
		assertThat(metrics.getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(CALLS / 2);
	}

	private void assertInvariants(Retry retry, long maxRetries) {
		Retry.Metrics metrics = retry.getMetrics();
		long retries = metrics.getNumberOfRetryAttempts();
		assertThat(retries).as("retries made").isEqualTo(this.invocations.get() - CALLS).isPositive();
		assertThat(retries).as("retries allowed by the budget").isLessThanOrEqualTo(maxRetries);
		assertThat(outcomeSum(metrics)).as("one outcome per call").isEqualTo(CALLS);
		assertThat(metrics.getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(CALLS / 2);
		assertThat(metrics.getNumberOfBudgetExhaustedCalls()).isPositive();
	}

	private static long outcomeSum(Retry.Metrics metrics) {
		return metrics.getNumberOfSuccessfulCallsWithoutRetryAttempt()
				+ metrics.getNumberOfSuccessfulCallsWithRetryAttempt()
				+ metrics.getNumberOfFailedCallsWithRetryAttempt() + metrics.getNumberOfFailedCallsWithoutRetryAttempt()
				+ metrics.getNumberOfBudgetExhaustedCalls();
	}

	/**
	 * Runs {@code CALLS_PER_THREAD} calls on each of {@code THREADS} threads started
	 * together.
	 */
	private void runConcurrently(IntConsumer call) throws Exception {
		CyclicBarrier start = new CyclicBarrier(THREADS);
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			int thread = t;
			workers.add(this.pool.submit(() -> {
				start.await();
				for (int i = 0; i < CALLS_PER_THREAD; i++) {
					call.accept(thread * CALLS_PER_THREAD + i);
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get(60, TimeUnit.SECONDS);
		}
	}

}
