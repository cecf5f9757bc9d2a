package dev.resilience.idempotency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.idempotency.IdempotencyConfig.OnInProgress;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promises of the idempotency engine attacked from the caller's side and the executor's
 * side: a waiting caller that gives up, and an I/O executor that refuses work.
 */
class IdempotencyAdversarialTests {

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static final String KEY = "order-17";

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final MemoryIdempotencyStore memory = new MemoryIdempotencyStore(100, this.ticker);

	private final AtomicInteger invocations = new AtomicInteger();

	@Test
	void asyncWaiterThatCancelledItsStageNeverRunsTheMethodLaterAndStopsPolling() {
		Idempotency idempotency = Idempotency.of("payments",
				IdempotencyConfig.custom()
					.inProgressTimeout(LEASE)
					.onInProgress(OnInProgress.WAIT)
					.inProgressWait(Duration.ofSeconds(5))
					.build(),
				this.memory, this.ticker, this.scheduler);
		List<IdempotencyOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
		idempotency.addListener((name, outcome) -> outcomes.add(outcome));
		CompletableFuture<Object> firstStage = new CompletableFuture<>();
		CompletionStage<Object> first = idempotency.executeAsync(KEY, null, "fp", StringResultCodec.INSTANCE,
				(String argument) -> {
					this.invocations.incrementAndGet();
					return firstStage;
				}, "x");
		CompletionStage<Object> waiter = idempotency.executeAsync(KEY, null, "fp", StringResultCodec.INSTANCE,
				(String argument) -> {
					this.invocations.incrementAndGet();
					return CompletableFuture.completedFuture("ran for nobody");
				}, "x");
		assertThat(waiter.toCompletableFuture()).as("still waiting for the first call").isNotDone();
		waiter.toCompletableFuture().cancel(false);
		// the first call fails, so its claim is released and the key is free again
		firstStage.completeExceptionally(new IllegalStateException("downstream failed"));
		assertThat(first.toCompletableFuture()).isCompletedExceptionally();
		this.scheduler.advance(Duration.ofSeconds(10));
		assertThat(this.invocations).as("a caller that stopped waiting has the method run for nobody").hasValue(1);
		assertThat(this.memory.find(recordId())).as("no record written on behalf of a cancelled wait").isEmpty();
		assertThat(this.scheduler.pendingTasks()).as("polling stops once the caller has gone").isZero();
		assertThat(outcomes).as("one outcome per call: the first ran, the second gave up waiting")
			.containsExactly(IdempotencyOutcome.EXECUTED, IdempotencyOutcome.IN_PROGRESS);
	}

	@Test
	void storeWorkOfAnAsyncCallNeverRunsOnTheThreadThatCompletedTheMethodsStageEvenWhenTheIoExecutorRefuses()
			throws Exception {
		List<Thread> completedOn = Collections.synchronizedList(new ArrayList<>());
		IdempotencyStore recording = new RecordingStore(this.memory, completedOn);
		Executor refusing = (task) -> {
			throw new RejectedExecutionException("shut down with the application context");
		};
		Idempotency idempotency = Idempotency
			.builder("payments", IdempotencyConfig.custom().inProgressTimeout(LEASE).build(), recording)
			.ticker(this.ticker)
			.scheduler(this.scheduler)
			.ioExecutor(refusing)
			.build();
		CompletableFuture<Object> methodStage = new CompletableFuture<>();
		CompletionStage<Object> handedBack = idempotency.executeAsync(KEY, null, "fp", StringResultCodec.INSTANCE,
				(String argument) -> methodStage, "x");
		Thread eventLoop = new Thread(() -> methodStage.complete("done"), "event-loop");
		eventLoop.start();
		eventLoop.join();
		assertThat(handedBack.toCompletableFuture().get()).isEqualTo("done");
		assertThat(completedOn).singleElement()
			.as("blocking store I/O must never run on the thread that completed the method's stage (an event loop)")
			.isNotSameAs(eventLoop);
		assertThat(this.memory.find(recordId()).orElseThrow().state()).isEqualTo(IdempotencyRecord.State.COMPLETED);
	}

	private static String recordId() {
		return IdempotencyKeys.recordId(IdempotencyConfig.DEFAULT_KEY_PREFIX, null, "payments", KEY);
	}

	/** Delegates, noting the thread each completion ran on. */
	private static final class RecordingStore implements IdempotencyStore {

		private final IdempotencyStore delegate;

		private final List<Thread> completedOn;

		RecordingStore(IdempotencyStore delegate, List<Thread> completedOn) {
			this.delegate = delegate;
			this.completedOn = completedOn;
		}

		@Override
		public ClaimResult claim(String recordId, String fingerprint, Duration leaseTimeout) {
			return this.delegate.claim(recordId, fingerprint, leaseTimeout);
		}

		@Override
		public boolean complete(String recordId, String leaseToken, byte[] result, Duration ttl) {
			this.completedOn.add(Thread.currentThread());
			return this.delegate.complete(recordId, leaseToken, result, ttl);
		}

		@Override
		public boolean renew(String recordId, String leaseToken, Duration leaseTimeout) {
			return this.delegate.renew(recordId, leaseToken, leaseTimeout);
		}

		@Override
		public boolean release(String recordId, String leaseToken) {
			return this.delegate.release(recordId, leaseToken);
		}

		@Override
		public Optional<IdempotencyRecord> find(String recordId) {
			return this.delegate.find(recordId);
		}

	}

}
