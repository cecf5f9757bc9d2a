package dev.resilience.bulkhead;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.resilience.ContextPropagator;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads against one adaptive bulkhead whose limit moves while they run; the calls
 * keep their own in-flight count, independently of the bulkhead.
 */
@Timeout(120)
class AdaptiveBulkheadConcurrencyTests {

	private static final int THREADS = 4;

	private final ExecutorService threads = Executors.newFixedThreadPool(THREADS + 1);

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private final FakeTicker ticker = new FakeTicker();

	@AfterEach
	void stopThreads() {
		this.threads.shutdownNow();
	}

	private Bulkhead bulkhead(ScriptedLimit algorithm, Duration maxWait) {
		BulkheadConfig config = BulkheadConfig.custom()
			.type(BulkheadConfig.Type.ADAPTIVE)
			.minLimit(1)
			.maxLimit(8)
			.initialLimit(2)
			.maxWaitDuration(maxWait)
			.build();
		return Bulkhead.of("many", config, ContextPropagator.NONE, this.ticker, (name, c) -> algorithm);
	}

	private Object enterAndExit() {
		int now = this.inFlight.incrementAndGet();
		this.maxInFlight.accumulateAndGet(now, Math::max);
		Thread.yield();
		this.inFlight.decrementAndGet();
		return null;
	}

	@Test
	void neverExceedsAFixedLimitUnderManyThreads() throws Exception {
		ScriptedLimit algorithm = new ScriptedLimit(3);
		Bulkhead bulkhead = bulkhead(algorithm, Duration.ZERO);
		LongAdder successes = new LongAdder();
		LongAdder refusals = new LongAdder();
		int callsPerThread = 20_000;
		runOnAllThreads((random) -> {
			for (int i = 0; i < callsPerThread; i++) {
				try {
					bulkhead.execute((ignored) -> enterAndExit(), null);
					successes.increment();
				}
				catch (BulkheadFullException ex) {
					refusals.increment();
				}
			}
		});
		assertThat(this.maxInFlight.get()).isBetween(1, 3);
		assertThat(successes.sum() + refusals.sum()).isEqualTo((long) THREADS * callsPerThread);
		assertThat(bulkhead.getMetrics().getNumberOfRejectedCalls()).isEqualTo(refusals.sum());
		assertThat(algorithm.samples).hasSize((int) successes.sum());
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(3);
	}

	@Test
	void neverExceedsTheHighestLimitWhileTheLimitMovesAndWaitersAreWoken() throws Exception {
		ScriptedLimit algorithm = new ScriptedLimit(2);
		Bulkhead bulkhead = bulkhead(algorithm, Duration.ofSeconds(30));
		AtomicBoolean running = new AtomicBoolean(true);
		Future<?> mover = this.threads.submit(() -> {
			SplittableRandom random = new SplittableRandom(7);
			while (running.get()) {
				algorithm.set(1 + random.nextInt(4));
				Thread.yield();
			}
		});
		LongAdder successes = new LongAdder();
		int callsPerThread = 2_000;
		try {
			runOnAllThreads((random) -> {
				for (int i = 0; i < callsPerThread; i++) {
					bulkhead.execute((ignored) -> enterAndExit(), null);
					successes.increment();
				}
			});
		}
		finally {
			running.set(false);
			mover.get();
		}
		assertThat(this.maxInFlight.get()).isBetween(1, 4);
		assertThat(successes.sum()).isEqualTo((long) THREADS * callsPerThread);
		algorithm.set(4);
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(4);
	}

	@Test
	void aWaiterWokenAsTheLimitFallsKeepsThePermitItTookInsteadOfLeakingIt() throws Exception {
		// The waiter's wake-up reads the limit at 2 and takes the second permit; every
		// later
		// read answers 1. Reading the limit again to decide whether it acquired left the
		// permit counted with nobody to give it back.
		AtomicBoolean armed = new AtomicBoolean();
		AtomicBoolean released = new AtomicBoolean();
		AtomicInteger waiterReads = new AtomicInteger();
		AtomicReference<Thread> waiter = new AtomicReference<>();
		LimitAlgorithm falling = new LimitAlgorithm() {

			@Override
			public int getLimit() {
				if (!armed.get()) {
					return 2;
				}
				if (Thread.currentThread() != waiter.get()) {
					return 1;
				}
				// Until the release is done a wake-up is spurious: it reads 2 and finds
				// no room.
				return (!released.get() || waiterReads.getAndIncrement() == 0) ? 2 : 1;
			}

			@Override
			public void onSample(long startNanos, long rttNanos, int inFlight, boolean dropped) {
			}

		};
		BulkheadConfig config = BulkheadConfig.custom()
			.type(BulkheadConfig.Type.ADAPTIVE)
			.minLimit(1)
			.maxLimit(8)
			.initialLimit(2)
			.maxWaitDuration(Duration.ofSeconds(30))
			.build();
		Bulkhead bulkhead = Bulkhead.of("falling", config, ContextPropagator.NONE, this.ticker, (name, c) -> falling);
		Bulkhead.CallPermit first = bulkhead.acquireCallPermit();
		Bulkhead.CallPermit second = bulkhead.acquireCallPermit();
		Future<Object> waiting = this.threads.submit(() -> {
			waiter.set(Thread.currentThread());
			try {
				return bulkhead.execute((ignored) -> "ran", null);
			}
			catch (Throwable ex) {
				throw new AssertionError(ex);
			}
		});
		// Until the waiter is parked for a permit; the class's @Timeout bounds the wait.
		while (waiter.get() == null || waiter.get().getState() != Thread.State.TIMED_WAITING) {
			Thread.onSpinWait();
		}
		armed.set(true);
		first.onSuccess();
		released.set(true);
		assertThat(waiting.get(20, TimeUnit.SECONDS)).isEqualTo("ran");
		second.onSuccess();
		armed.set(false);
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).as("every permit is back").isEqualTo(2);
	}

	@Test
	void endsWithEveryPermitBackAfterRandomSuccessesFailuresErrorsAndCancels() throws Exception {
		ScriptedLimit algorithm = new ScriptedLimit(5);
		Bulkhead bulkhead = bulkhead(algorithm, Duration.ZERO);
		ConcurrentLinkedQueue<CompletableFuture<Object>> pending = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<Bulkhead.CallPermit> permits = new ConcurrentLinkedQueue<>();
		runOnAllThreads((random) -> {
			for (int i = 0; i < 20_000; i++) {
				int dice = random.nextInt(100);
				try {
					if (dice < 20) {
						bulkhead.execute((ignored) -> enterAndExit(), null);
					}
					else if (dice < 30) {
						bulkhead.execute((ignored) -> {
							throw new IllegalStateException("failure");
						}, null);
					}
					else if (dice < 35) {
						bulkhead.execute((ignored) -> {
							throw new AssertionError("error");
						}, null);
					}
					else if (dice < 60) {
						CompletableFuture<Object> stage = new CompletableFuture<>();
						bulkhead.executeAsync((ignored) -> stage, null);
						pending.add(stage);
					}
					else if (dice < 75) {
						permits.add(bulkhead.acquireCallPermit());
					}
					else if (dice < 88) {
						end(pending.poll(), random);
					}
					else {
						endPermit(permits.poll(), random);
					}
				}
				catch (BulkheadFullException | IllegalStateException | AssertionError expected) {
					// a refusal or the call's own failure
				}
			}
		});
		pending.forEach((stage) -> stage.complete("late"));
		permits.forEach(Bulkhead.CallPermit::onCancel);
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(5);
		assertThat(bulkhead.tryAcquirePermission()).isTrue();
	}

	private static void end(CompletableFuture<Object> stage, SplittableRandom random) {
		if (stage == null) {
			return;
		}
		switch (random.nextInt(3)) {
			case 0 -> stage.complete("value");
			case 1 -> stage.completeExceptionally(new IllegalStateException("failed"));
			default -> stage.cancel(true);
		}
	}

	private static void endPermit(Bulkhead.CallPermit permit, SplittableRandom random) {
		if (permit == null) {
			return;
		}
		switch (random.nextInt(3)) {
			case 0 -> permit.onSuccess();
			case 1 -> permit.onFailure(new IllegalStateException("failed"));
			default -> permit.onCancel();
		}
		// A second report, as a subscriber that cancels after terminating would send.
		permit.onCancel();
	}

	private void runOnAllThreads(Work work) throws Exception {
		CyclicBarrier start = new CyclicBarrier(THREADS);
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			SplittableRandom random = new SplittableRandom(t);
			futures.add(this.threads.submit(() -> {
				start.await();
				try {
					work.run(random);
				}
				catch (Throwable ex) {
					throw new AssertionError(ex);
				}
				return null;
			}));
		}
		for (Future<?> future : futures) {
			future.get();
		}
	}

	@FunctionalInterface
	interface Work {

		void run(SplittableRandom random) throws Throwable;

	}

}
