package dev.resilience.bulkhead;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads against one bulkhead; each test checks invariants that a lost or
 * duplicated permit would break. The in-flight count is kept by the calls themselves,
 * independently of the bulkhead.
 */
@Timeout(120)
class SemaphoreBulkheadConcurrencyTests {

	private static final int THREADS = 4;

	private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private final LongAdder observedRejections = new LongAdder();

	@AfterEach
	void stopThreads() {
		this.threads.shutdownNow();
	}

	private void enter() {
		int now = this.inFlight.incrementAndGet();
		this.maxInFlight.accumulateAndGet(now, Math::max);
	}

	private void exit() {
		this.inFlight.decrementAndGet();
	}

	@Test
	void neverExceedsItsLimitUnderManyThreads() throws Exception {
		Bulkhead bulkhead = Bulkhead.of("limit", BulkheadConfig.custom().maxConcurrentCalls(3).build());
		LongAdder successes = new LongAdder();
		int callsPerThread = 20_000;
		runOnAllThreads((random) -> {
			for (int i = 0; i < callsPerThread; i++) {
				try {
					bulkhead.execute((ignored) -> {
						enter();
						Thread.yield();
						exit();
						return null;
					}, null);
					successes.increment();
				}
				catch (BulkheadFullException ex) {
					this.observedRejections.increment();
				}
			}
		});
		assertThat(this.maxInFlight.get()).isBetween(1, 3);
		assertThat(successes.sum() + this.observedRejections.sum()).isEqualTo((long) THREADS * callsPerThread);
		assertThat(bulkhead.getMetrics().getNumberOfRejectedCalls()).isEqualTo(this.observedRejections.sum());
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(3);
	}

	@Test
	void waitingCallersNeverExceedTheLimitAndAllEventuallyRun() throws Exception {
		Bulkhead bulkhead = Bulkhead.of("waiting",
				BulkheadConfig.custom().maxConcurrentCalls(2).maxWaitDuration(Duration.ofHours(1)).build());
		LongAdder successes = new LongAdder();
		int callsPerThread = 5_000;
		runOnAllThreads((random) -> {
			for (int i = 0; i < callsPerThread; i++) {
				bulkhead.execute((ignored) -> {
					enter();
					Thread.yield();
					exit();
					return null;
				}, null);
				successes.increment();
			}
		});
		assertThat(this.maxInFlight.get()).isBetween(1, 2);
		assertThat(successes.sum()).isEqualTo((long) THREADS * callsPerThread);
		assertThat(bulkhead.getMetrics().getNumberOfRejectedCalls()).isZero();
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void endsWithEveryPermitBackAfter100kRandomSuccessesFailuresAndCancellations() throws Exception {
		int max = 5;
		int operationsPerThread = 25_000;
		Bulkhead bulkhead = Bulkhead.of("random", BulkheadConfig.custom().maxConcurrentCalls(max).build());
		ConcurrentLinkedQueue<AsyncCall> pending = new ConcurrentLinkedQueue<>();
		Outcomes outcomes = new Outcomes();
		runOnAllThreads((random) -> {
			for (int i = 0; i < operationsPerThread; i++) {
				int dice = random.nextInt(100);
				if (dice < 20) {
					syncCall(bulkhead, false, outcomes);
				}
				else if (dice < 35) {
					syncCall(bulkhead, true, outcomes);
				}
				else if (dice < 40) {
					asyncCallThrowingSynchronously(bulkhead, outcomes);
				}
				else if (dice < 70) {
					AsyncCall call = startAsyncCall(bulkhead);
					if (call != null) {
						pending.add(call);
						if (random.nextInt(5) == 0) {
							// The caller gives up on it, racing the thread that will
							// later end the method's own work from the queue; the call
							// stays in flight until then.
							call.cancel();
							outcomes.cancelled.increment();
						}
					}
				}
				else {
					AsyncCall call = pending.poll();
					if (call != null) {
						call.finish(random, outcomes);
					}
				}
			}
		});
		SplittableRandom random = new SplittableRandom(42);
		for (AsyncCall call = pending.poll(); call != null; call = pending.poll()) {
			call.finish(random, outcomes);
		}
		assertThat(this.maxInFlight.get()).isBetween(1, max);
		assertThat(this.inFlight.get()).isZero();
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(max);
		assertThat(bulkhead.getMetrics().getNumberOfRejectedCalls()).isEqualTo(this.observedRejections.sum());
		assertThat(this.observedRejections.sum()).isPositive();
		assertThat(outcomes.succeeded.sum()).isPositive();
		assertThat(outcomes.failed.sum()).isPositive();
		assertThat(outcomes.cancelled.sum()).isPositive();
		assertThat(bulkhead.tryAcquirePermission()).isTrue();
	}

	private void syncCall(Bulkhead bulkhead, boolean fail, Outcomes outcomes) throws Throwable {
		try {
			bulkhead.execute((shouldFail) -> {
				enter();
				exit();
				if (shouldFail) {
					throw new IllegalStateException("planned");
				}
				return "ok";
			}, fail);
			outcomes.succeeded.increment();
		}
		catch (BulkheadFullException ex) {
			this.observedRejections.increment();
		}
		catch (IllegalStateException ex) {
			outcomes.failed.increment();
		}
	}

	private void asyncCallThrowingSynchronously(Bulkhead bulkhead, Outcomes outcomes) {
		CompletionStage<String> stage = bulkhead.executeAsync((ignored) -> {
			enter();
			exit();
			throw new IllegalStateException("planned");
		}, null);
		if (isRejected(stage)) {
			this.observedRejections.increment();
		}
		else {
			outcomes.failed.increment();
		}
	}

	private AsyncCall startAsyncCall(Bulkhead bulkhead) {
		AsyncCall call = new AsyncCall();
		CompletionStage<String> stage = bulkhead.executeAsync(AsyncCall::start, call);
		if (isRejected(stage)) {
			this.observedRejections.increment();
			return null;
		}
		call.outer = stage.toCompletableFuture();
		return call;
	}

	private static boolean isRejected(CompletionStage<?> stage) {
		CompletableFuture<?> future = stage.toCompletableFuture();
		if (!future.isCompletedExceptionally()) {
			return false;
		}
		try {
			future.join();
			return false;
		}
		catch (CompletionException ex) {
			return ex.getCause() instanceof BulkheadFullException;
		}
	}

	private void runOnAllThreads(Work work) throws Exception {
		CyclicBarrier start = new CyclicBarrier(THREADS);
		List<Future<?>> results = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			SplittableRandom random = new SplittableRandom(1000 + t);
			results.add(this.threads.submit(() -> {
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
		for (Future<?> result : results) {
			result.get();
		}
	}

	@FunctionalInterface
	private interface Work {

		void run(SplittableRandom random) throws Throwable;

	}

	private static final class Outcomes {

		final LongAdder succeeded = new LongAdder();

		final LongAdder failed = new LongAdder();

		final LongAdder cancelled = new LongAdder();

	}

	/**
	 * An asynchronous call whose own stage is completed or cancelled later, while its
	 * caller may cancel the stage it was handed at any time, from another thread. Only
	 * the end of the call's own stage ends it (docs/bulkhead.md), so the in-flight count
	 * drops there, exactly once, and always before the permit can come back.
	 */
	private final class AsyncCall {

		final CompletableFuture<String> inner = new CompletableFuture<>();

		volatile CompletableFuture<String> outer;

		private boolean ended;

		CompletionStage<String> start() {
			enter();
			return this.inner;
		}

		private synchronized void end() {
			if (!this.ended) {
				this.ended = true;
				exit();
			}
		}

		void cancel() {
			this.outer.cancel(true);
		}

		void finish(SplittableRandom random, Outcomes outcomes) {
			int dice = random.nextInt(10);
			end();
			if (dice < 4) {
				this.inner.complete("ok");
				outcomes.succeeded.increment();
			}
			else if (dice < 7) {
				this.inner.completeExceptionally(new IllegalStateException("planned"));
				outcomes.failed.increment();
			}
			else {
				// The method cancels its own work: that ends the call too.
				this.inner.cancel(true);
				outcomes.cancelled.increment();
			}
		}

	}

}
