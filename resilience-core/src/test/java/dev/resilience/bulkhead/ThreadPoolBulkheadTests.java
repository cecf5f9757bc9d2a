package dev.resilience.bulkhead;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.resilience.ContextPropagator;
import dev.resilience.bulkhead.internal.FixedThreadPoolBulkhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

@Timeout(60)
class ThreadPoolBulkheadTests {

	private static final ThreadLocal<String> CONTEXT = new ThreadLocal<>();

	private final List<Bulkhead> created = new ArrayList<>();

	private final List<String> rejections = new CopyOnWriteArrayList<>();

	@AfterEach
	void closeBulkheads() {
		this.created.forEach(Bulkhead::close);
		CONTEXT.remove();
	}

	private Bulkhead bulkhead(int coreSize, int maxSize, int queueCapacity) {
		return bulkhead(coreSize, maxSize, queueCapacity, ContextPropagator.NONE);
	}

	private Bulkhead bulkhead(int coreSize, int maxSize, int queueCapacity, ContextPropagator propagator) {
		BulkheadConfig config = BulkheadConfig.custom()
			.type(BulkheadConfig.Type.THREAD_POOL)
			.coreSize(coreSize)
			.maxSize(maxSize)
			.queueCapacity(queueCapacity)
			.build();
		Bulkhead bulkhead = Bulkhead.of("pool", config, propagator);
		bulkhead.addListener(new BulkheadListener() {

			@Override
			public void onCallRejected(String bulkheadName) {
				ThreadPoolBulkheadTests.this.rejections.add(bulkheadName);
			}

		});
		this.created.add(bulkhead);
		return bulkhead;
	}

	/** Occupies a pool thread until released. */
	private static final class Blocker {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		CompletionStage<String> run(String value) throws InterruptedException {
			this.started.countDown();
			this.release.await();
			return CompletableFuture.completedFuture(value);
		}

	}

	@Test
	void refusesASemaphoreConfiguration() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new FixedThreadPoolBulkhead("pool", BulkheadConfig.ofDefaults(), ContextPropagator.NONE))
			.withMessage("ThreadPoolBulkhead 'pool' needs a configuration of type THREAD_POOL but got SEMAPHORE; "
					+ "Bulkhead.of creates the kind a configuration names");
	}

	@Test
	void runsTheCallOnANamedDaemonPoolThreadWithTheCallersContext() {
		AtomicReference<Thread> wrappedOn = new AtomicReference<>();
		ContextPropagator propagator = (task) -> {
			wrappedOn.set(Thread.currentThread());
			String captured = CONTEXT.get();
			return () -> {
				CONTEXT.set(captured);
				try {
					task.run();
				}
				finally {
					CONTEXT.remove();
				}
			};
		};
		Bulkhead bulkhead = bulkhead(1, 1, 1, propagator);
		CONTEXT.set("caller context");
		AtomicReference<Thread> ranOn = new AtomicReference<>();
		String seen = bulkhead.executeCompletionStage(() -> {
			ranOn.set(Thread.currentThread());
			return CompletableFuture.completedFuture(CONTEXT.get());
		}).toCompletableFuture().join();
		assertThat(seen).isEqualTo("caller context");
		assertThat(wrappedOn.get()).isSameAs(Thread.currentThread());
		assertThat(ranOn.get().getName()).isEqualTo("resilience-bulkhead-pool-1");
		assertThat(ranOn.get().isDaemon()).isTrue();
	}

	@Test
	void flattensTheStageReturnedByTheCall() {
		Bulkhead bulkhead = bulkhead(1, 1, 1);
		CompletableFuture<String> inner = new CompletableFuture<>();
		CompletableFuture<String> result = bulkhead.executeAsync((argument) -> inner, "x").toCompletableFuture();
		inner.complete("later");
		assertThat(result.join()).isEqualTo("later");
	}

	@Test
	void refusesWhenEveryThreadIsBusyAndTheQueueIsFull() throws Exception {
		Bulkhead bulkhead = bulkhead(1, 1, 1);
		Blocker blocker = new Blocker();
		CompletionStage<String> first = bulkhead.executeAsync(blocker::run, "first");
		blocker.started.await();
		CompletionStage<String> second = bulkhead
			.executeCompletionStage(() -> CompletableFuture.completedFuture("second"));
		assertThat(bulkhead.getMetrics().getQueueDepth()).isEqualTo(1);
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
		AtomicBoolean thirdRan = new AtomicBoolean();
		CompletionStage<String> third = bulkhead.executeCompletionStage(() -> {
			thirdRan.set(true);
			return CompletableFuture.completedFuture("third");
		});
		assertThat(catchThrowable(() -> third.toCompletableFuture().join())).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOf(BulkheadFullException.class)
			.hasMessage("Bulkhead 'pool' is full: 1 calls in flight and 1 calls queued");
		assertThat(bulkhead.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
		assertThat(this.rejections).containsExactly("pool");
		blocker.release.countDown();
		assertThat(first.toCompletableFuture().join()).isEqualTo("first");
		assertThat(second.toCompletableFuture().join()).isEqualTo("second");
		assertThat(thirdRan).isFalse();
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
		assertThat(bulkhead.getMetrics().getQueueDepth()).isZero();
	}

	@Test
	void withoutAQueueRefusesAsSoonAsEveryThreadIsBusy() throws Exception {
		Bulkhead bulkhead = bulkhead(1, 1, 0);
		Blocker blocker = new Blocker();
		CompletionStage<String> first = bulkhead.executeAsync(blocker::run, "first");
		blocker.started.await();
		CompletionStage<String> second = bulkhead.executeCompletionStage(() -> CompletableFuture.completedFuture("x"));
		assertThat(catchThrowable(() -> second.toCompletableFuture().join()))
			.hasCauseInstanceOf(BulkheadFullException.class);
		assertThat(bulkhead.getMetrics().getQueueCapacity()).isZero();
		blocker.release.countDown();
		assertThat(first.toCompletableFuture().join()).isEqualTo("first");
	}

	@Test
	void runsUpToMaxSizeCallsAtOnceBeyondTheCoreSizeThenQueues() throws Exception {
		// Calls, not threads, are bounded now: the pool starts a thread per call up to
		// maxSize rather than queueing behind the core threads (which a non-blocking call
		// hardly uses).
		Bulkhead bulkhead = bulkhead(1, 2, 1);
		Blocker first = new Blocker();
		Blocker second = new Blocker();
		CompletionStage<String> firstResult = bulkhead.executeAsync(first::run, "first");
		CompletionStage<String> secondResult = bulkhead.executeAsync(second::run, "second");
		first.started.await();
		second.started.await();
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
		assertThat(bulkhead.getMetrics().getMaxAllowedConcurrentCalls()).isEqualTo(2);
		CompletionStage<String> thirdResult = bulkhead
			.executeCompletionStage(() -> CompletableFuture.completedFuture("third"));
		assertThat(bulkhead.getMetrics().getQueueDepth()).isEqualTo(1);
		CompletionStage<String> fourth = bulkhead.executeCompletionStage(() -> CompletableFuture.completedFuture("x"));
		assertThat(catchThrowable(() -> fourth.toCompletableFuture().join()))
			.hasCauseInstanceOf(BulkheadFullException.class);
		first.release.countDown();
		second.release.countDown();
		assertThat(firstResult.toCompletableFuture().join()).isEqualTo("first");
		assertThat(secondResult.toCompletableFuture().join()).isEqualTo("second");
		assertThat(thirdResult.toCompletableFuture().join()).isEqualTo("third");
	}

	@Test
	void cancellingAQueuedCallRemovesItAndItNeverRuns() throws Exception {
		Bulkhead bulkhead = bulkhead(1, 1, 2);
		Blocker blocker = new Blocker();
		CompletionStage<String> first = bulkhead.executeAsync(blocker::run, "first");
		blocker.started.await();
		AtomicBoolean queuedRan = new AtomicBoolean();
		CompletableFuture<String> queued = bulkhead.executeCompletionStage(() -> {
			queuedRan.set(true);
			return CompletableFuture.completedFuture("queued");
		}).toCompletableFuture();
		assertThat(bulkhead.getMetrics().getQueueDepth()).isEqualTo(1);
		assertThat(queued.cancel(true)).isTrue();
		assertThat(bulkhead.getMetrics().getQueueDepth()).isZero();
		CompletionStage<String> after = bulkhead
			.executeCompletionStage(() -> CompletableFuture.completedFuture("after"));
		blocker.release.countDown();
		assertThat(first.toCompletableFuture().join()).isEqualTo("first");
		// One thread, FIFO queue: had the cancelled call stayed queued, it would have run
		// before this one.
		assertThat(after.toCompletableFuture().join()).isEqualTo("after");
		assertThat(queuedRan).isFalse();
		assertThat(catchThrowable(queued::join)).isInstanceOf(CancellationException.class);
	}

	@Test
	void cancellingAStartedCallLeavesItsStageAloneAndKeepsItCounted() throws Exception {
		// docs/bulkhead.md: a call is in flight until its own stage completes; the
		// caller's cancel is its own.
		Bulkhead bulkhead = bulkhead(1, 1, 1);
		CompletableFuture<String> inner = new CompletableFuture<>();
		CountDownLatch started = new CountDownLatch(1);
		AtomicReference<Thread> thread = new AtomicReference<>();
		CompletableFuture<String> result = bulkhead.executeAsync((argument) -> {
			thread.set(Thread.currentThread());
			started.countDown();
			return inner;
		}, null).toCompletableFuture();
		started.await();
		// The call has returned its stage and listens to it once its thread is back in
		// the pool.
		awaitIdle(thread);
		result.cancel(true);
		assertThat(inner.isCancelled()).isFalse();
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
		inner.complete("late");
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
	}

	private static void awaitIdle(AtomicReference<Thread> thread) {
		while (thread.get().getState() != Thread.State.WAITING
				&& thread.get().getState() != Thread.State.TIMED_WAITING) {
			Thread.onSpinWait();
		}
	}

	@Test
	void callThrowingOrReturningNullGivesAFailedStageAndFreesTheThread() {
		Bulkhead bulkhead = bulkhead(1, 1, 1);
		IllegalStateException failure = new IllegalStateException("sync");
		CompletionStage<String> thrown = bulkhead.executeAsync((argument) -> {
			throw failure;
		}, null);
		assertThat(catchThrowable(() -> thrown.toCompletableFuture().join())).hasCauseReference(failure);
		CompletionStage<String> nullStage = bulkhead.executeAsync((argument) -> null, null);
		assertThat(catchThrowable(() -> nullStage.toCompletableFuture().join()))
			.hasRootCauseMessage("Call in thread-pool bulkhead 'pool' returned null instead of a CompletionStage");
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
		assertThat(bulkhead.getMetrics().getNumberOfRejectedCalls()).isZero();
	}

	@Test
	@Timeout(10)
	void aSlotIsReturnedAndTheCallFailsWhenTheCallersContextCannotBeRestoredOnThePoolThread() {
		IllegalStateException restoreFailure = new IllegalStateException("context could not be restored");
		ContextPropagator broken = (task) -> () -> {
			throw restoreFailure;
		};
		Bulkhead bulkhead = bulkhead(1, 1, 1, broken);
		AtomicBoolean ran = new AtomicBoolean();
		CompletionStage<String> result = bulkhead.executeAsync((argument) -> {
			ran.set(true);
			return CompletableFuture.completedFuture(argument);
		}, "x");
		// get, not join: a call that never ends must fail the test at its timeout, not
		// hang it.
		assertThat(catchThrowable(() -> result.toCompletableFuture().get())).hasCauseReference(restoreFailure);
		assertThat(ran).as("the call never ran without its context").isFalse();
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
		assertThat(bulkhead.getMetrics().getQueueDepth()).isZero();
	}

	@Test
	void aKeepAliveTooLongToCountInNanosecondsIsAcceptedAndRunsCalls() {
		BulkheadConfig config = BulkheadConfig.custom()
			.type(BulkheadConfig.Type.THREAD_POOL)
			.coreSize(1)
			.maxSize(2)
			.queueCapacity(0)
			.keepAlive(Duration.ofSeconds(Long.MAX_VALUE))
			.build();
		Bulkhead bulkhead = Bulkhead.of("forever", config, ContextPropagator.NONE);
		this.created.add(bulkhead);
		assertThat(bulkhead.executeAsync((argument) -> CompletableFuture.completedFuture(argument), "x")
			.toCompletableFuture()
			.join()).isEqualTo("x");
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void closedBulkheadFailsNewCallsWithoutCountingARejection() {
		Bulkhead bulkhead = bulkhead(1, 1, 1);
		bulkhead.close();
		bulkhead.close();
		CompletionStage<String> result = bulkhead.executeCompletionStage(() -> CompletableFuture.completedFuture("x"));
		assertThat(catchThrowable(() -> result.toCompletableFuture().join()))
			.hasCauseInstanceOf(IllegalStateException.class)
			.hasRootCauseMessage("ThreadPoolBulkhead 'pool' is closed");
		assertThat(bulkhead.getMetrics().getNumberOfRejectedCalls()).isZero();
		assertThat(this.rejections).isEmpty();
	}

	@Test
	void neverRunsMoreCallsThanThreadsAndEndsWithThreadsAndQueueFree() throws Exception {
		int maxSize = 3;
		Bulkhead bulkhead = bulkhead(2, maxSize, 5);
		AtomicInteger inCall = new AtomicInteger();
		AtomicInteger maxInCall = new AtomicInteger();
		LongAdder observedRejections = new LongAdder();
		LongAdder ran = new LongAdder();
		LongAdder cancelled = new LongAdder();
		int submitters = 4;
		int callsPerSubmitter = 5_000;
		ExecutorService threads = Executors.newFixedThreadPool(submitters);
		try {
			CyclicBarrier start = new CyclicBarrier(submitters);
			List<Future<List<CompletableFuture<String>>>> submitted = new ArrayList<>();
			for (int t = 0; t < submitters; t++) {
				SplittableRandom random = new SplittableRandom(t);
				submitted.add(threads.submit(() -> {
					start.await();
					List<CompletableFuture<String>> results = new ArrayList<>();
					for (int i = 0; i < callsPerSubmitter; i++) {
						CompletableFuture<String> result = bulkhead.executeCompletionStage(() -> {
							maxInCall.accumulateAndGet(inCall.incrementAndGet(), Math::max);
							Thread.yield();
							inCall.decrementAndGet();
							ran.increment();
							return CompletableFuture.completedFuture("ok");
						}).toCompletableFuture();
						if (random.nextInt(10) == 0 && result.cancel(true)) {
							cancelled.increment();
						}
						results.add(result);
					}
					return results;
				}));
			}
			long succeeded = 0;
			for (Future<List<CompletableFuture<String>>> results : submitted) {
				for (CompletableFuture<String> result : results.get()) {
					try {
						result.join();
						succeeded++;
					}
					catch (CompletionException ex) {
						assertThat(ex.getCause()).isInstanceOf(BulkheadFullException.class);
						observedRejections.increment();
					}
					catch (CancellationException ex) {
						// counted when cancelled
					}
				}
			}
			// A call cancelled after it started may still be running (and is rightly
			// counted as busy) although its future is done: wait for the pool to drain. A
			// leaked thread count would never drain, and the test would fail on its
			// timeout.
			while (bulkhead.getMetrics().getAvailableConcurrentCalls() != maxSize) {
				Thread.onSpinWait();
			}
			assertThat(maxInCall.get()).isBetween(1, maxSize);
			assertThat(succeeded + observedRejections.sum() + cancelled.sum())
				.isEqualTo((long) submitters * callsPerSubmitter);
			assertThat(ran.sum()).isGreaterThanOrEqualTo(succeeded).isLessThanOrEqualTo(succeeded + cancelled.sum());
			assertThat(bulkhead.getMetrics().getNumberOfRejectedCalls()).isEqualTo(observedRejections.sum());
			assertThat(observedRejections.sum()).isPositive();
			assertThat(bulkhead.getMetrics().getQueueDepth()).isZero();
			assertThat(inCall.get()).isZero();
		}
		finally {
			threads.shutdownNow();
		}
	}

}
