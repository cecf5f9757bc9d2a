package dev.resilience.ratelimiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads against one rate limiter: a cycle never hands out more than its limit,
 * and, while the clock stands still, exactly its limit, however the threads interleave.
 * The permits are counted by the callers themselves, independently of the limiter.
 */
@Timeout(120)
class RateLimiterConcurrencyTests {

	private static final int THREADS = 4;

	private static final long PERIOD_NANOS = 1_000_000;

	private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final long origin = this.ticker.read();

	@AfterEach
	void stopThreads() {
		this.threads.shutdownNow();
	}

	private RateLimiter limiter(int limit, Duration timeout) {
		return RateLimiter.of("busy",
				RateLimiterConfig.custom()
					.limitForPeriod(limit)
					.limitRefreshPeriod(Duration.ofNanos(PERIOD_NANOS))
					.timeoutDuration(timeout)
					.build(),
				this.ticker, this.scheduler);
	}

	private long cycle(long now) {
		return (now - this.origin) / PERIOD_NANOS;
	}

	private void onEveryThread(Runnable work) throws Exception {
		CyclicBarrier start = new CyclicBarrier(THREADS);
		List<Future<?>> running = new ArrayList<>();
		for (int i = 0; i < THREADS; i++) {
			running.add(this.threads.submit(() -> {
				start.await();
				work.run();
				return null;
			}));
		}
		for (Future<?> future : running) {
			future.get();
		}
	}

	@Test
	void whileTheClockStandsStillACycleHandsOutExactlyItsLimit() throws Exception {
		RateLimiter limiter = limiter(37, Duration.ZERO);
		for (int round = 0; round < 100; round++) {
			LongAdder granted = new LongAdder();
			onEveryThread(() -> {
				for (int i = 0; i < 50; i++) {
					if (limiter.tryAcquirePermission()) {
						granted.increment();
					}
				}
			});
			assertThat(granted.sum()).as("round %d", round).isEqualTo(37);
			this.ticker.advanceNanos(PERIOD_NANOS);
		}
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(3_700);
		assertThat(limiter.getMetrics().getNumberOfRejectedCalls()).isEqualTo(100 * (THREADS * 50 - 37));
	}

	@Test
	void whileTheClockMovesNoCycleHandsOutMoreThanItsLimit() throws Exception {
		int limit = 5;
		RateLimiter limiter = limiter(limit, Duration.ZERO);
		Map<Long, LongAdder> grantedPerCycle = new ConcurrentHashMap<>();
		LongAdder granted = new LongAdder();
		AtomicBoolean done = new AtomicBoolean();
		Thread clock = new Thread(() -> {
			while (!done.get()) {
				this.ticker.advanceNanos(PERIOD_NANOS / 7);
				Thread.onSpinWait();
			}
		});
		clock.start();
		try {
			onEveryThread(() -> {
				for (int i = 0; i < 200_000; i++) {
					long before = cycle(this.ticker.read());
					boolean permitted = limiter.tryAcquirePermission();
					long after = cycle(this.ticker.read());
					if (permitted) {
						granted.increment();
						if (before == after) {
							grantedPerCycle.computeIfAbsent(before, (key) -> new LongAdder()).increment();
						}
					}
				}
			});
		}
		finally {
			done.set(true);
			clock.join();
		}
		long cycles = cycle(this.ticker.read()) + 1;
		assertThat(grantedPerCycle).isNotEmpty();
		assertThat(grantedPerCycle.values()).allSatisfy((count) -> assertThat(count.sum()).isLessThanOrEqualTo(limit));
		assertThat(granted.sum()).isLessThanOrEqualTo(limit * cycles);
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(granted.sum());
	}

	@Test
	void concurrentWaitingCallersReserveExactlyTheCyclesWithinTheirTimeout() throws Exception {
		int limit = 3;
		RateLimiter limiter = limiter(limit, Duration.ofNanos(5 * PERIOD_NANOS));
		Map<Long, LongAdder> startedPerCycle = new ConcurrentHashMap<>();
		List<CompletionStage<String>> results = new CopyOnWriteArrayList<>();
		onEveryThread(() -> {
			for (int i = 0; i < 20; i++) {
				results.add(limiter.executeAsync((argument) -> {
					startedPerCycle.computeIfAbsent(cycle(this.ticker.read()), (key) -> new LongAdder()).increment();
					return CompletableFuture.completedFuture("ok");
				}, null));
			}
		});
		assertThat(limiter.getMetrics().getAvailablePermissions()).isEqualTo(-5 * limit);
		this.scheduler.runAll();

		assertThat(results).hasSize(THREADS * 20);
		long succeeded = results.stream()
			.filter((result) -> !result.toCompletableFuture().isCompletedExceptionally())
			.count();
		assertThat(succeeded).isEqualTo(6 * limit);
		assertThat(startedPerCycle.keySet()).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L);
		assertThat(startedPerCycle.values()).allSatisfy((count) -> assertThat(count.sum()).isEqualTo(limit));
	}

	@Test
	void aCancelRacingTheStartOfAWaitingCallUsesItsPermitExactlyOnce() throws Exception {
		CyclicBarrier start = new CyclicBarrier(2);
		for (int round = 0; round < 2_000; round++) {
			FakeTicker roundTicker = new FakeTicker();
			FakeScheduler roundScheduler = new FakeScheduler(roundTicker);
			RateLimiter limiter = RateLimiter.of("race",
					RateLimiterConfig.custom()
						.limitForPeriod(1)
						.limitRefreshPeriod(Duration.ofNanos(PERIOD_NANOS))
						.timeoutDuration(Duration.ofNanos(PERIOD_NANOS))
						.build(),
					roundTicker, roundScheduler);
			limiter.acquirePermission();
			LongAdder calls = new LongAdder();
			CompletionStage<String> waiting = limiter.executeAsync((argument) -> {
				calls.increment();
				return CompletableFuture.completedFuture("ran");
			}, null);
			Future<?> cancel = this.threads.submit(() -> {
				start.await();
				return waiting.toCompletableFuture().cancel(false);
			});
			start.await();
			roundScheduler.advanceNanos(PERIOD_NANOS);
			cancel.get();

			boolean permitLeft = limiter.tryAcquirePermission();
			assertThat(calls.sum() + (permitLeft ? 1 : 0)).as("round %d: uses of cycle 1's one permit", round)
				.isEqualTo(1);
			assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(2);
			assertThat(roundScheduler.pendingTasks()).isZero();
		}
	}

}
