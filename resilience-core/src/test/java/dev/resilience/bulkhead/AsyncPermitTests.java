package dev.resilience.bulkhead;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.resilience.ContextPropagator;
import dev.resilience.Invocation;
import dev.resilience.Pipeline;
import dev.resilience.Resilience;
import dev.resilience.ResilienceRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * docs/bulkhead.md: a {@code CompletionStage} call is in flight until the stage the
 * method returned completes. The caller is handed a dependent stage; completing,
 * cancelling or timing it out is the caller's own business and neither frees the permit
 * early nor leaks it. Each attack runs against the semaphore bulkhead directly, through a
 * {@link Pipeline}, through the programmatic API, and against the thread-pool bulkhead.
 */
@Timeout(60)
class AsyncPermitTests {

	private final List<Bulkhead> pools = new ArrayList<>();

	@AfterEach
	void closePools() {
		this.pools.forEach(Bulkhead::close);
	}

	/** What a caller may do to the stage it was handed. */
	enum CallerAttack {

		CANCEL((handed) -> assertThat(handed.cancel(true)).isTrue()),

		COMPLETE((handed) -> assertThat(handed.complete("forged")).isTrue()),

		COMPLETE_EXCEPTIONALLY(
				(handed) -> assertThat(handed.completeExceptionally(new IllegalStateException("forged"))).isTrue()),

		OR_TIMEOUT((handed) -> {
			// A real, short timeout: the timing out is the point; the latch waits for it
			// to happen.
			CountDownLatch timedOut = new CountDownLatch(1);
			handed.orTimeout(1, TimeUnit.MILLISECONDS).whenComplete((value, failure) -> timedOut.countDown());
			await(timedOut);
			assertThat(catchThrowable(handed::join)).hasCauseInstanceOf(TimeoutException.class);
		});

		private final Consumer<CompletableFuture<Object>> attack;

		CallerAttack(Consumer<CompletableFuture<Object>> attack) {
			this.attack = attack;
		}

		void on(CompletionStage<?> handed) {
			@SuppressWarnings("unchecked")
			CompletableFuture<Object> future = (CompletableFuture<Object>) handed.toCompletableFuture();
			this.attack.accept(future);
		}

	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private static Bulkhead semaphore(String name) {
		return Bulkhead.of(name, BulkheadConfig.custom().maxConcurrentCalls(1).build());
	}

	@ParameterizedTest
	@EnumSource(CallerAttack.class)
	void asyncPermitIsHeldUntilTheMethodsOwnStageCompletes(CallerAttack attack) {
		Bulkhead bulkhead = semaphore("inventory");
		CompletableFuture<String> own = new CompletableFuture<>();
		CompletionStage<String> handed = bulkhead.executeCompletionStage(() -> own);
		attack.on(handed);
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).as("permits after the caller's %s", attack)
			.isZero();
		assertThat(own.isDone()).as("the method's own stage is not the caller's to complete").isFalse();
		AtomicBoolean secondRan = new AtomicBoolean();
		CompletionStage<String> second = bulkhead.executeCompletionStage(() -> {
			secondRan.set(true);
			return CompletableFuture.completedFuture("second");
		});
		assertThat(catchThrowable(() -> second.toCompletableFuture().join()))
			.hasCauseInstanceOf(BulkheadFullException.class);
		assertThat(secondRan).isFalse();
		own.complete("late");
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).as("permit back once the method is done")
			.isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(CallerAttack.class)
	void asyncPermitComesBackOnceWhenTheMethodsStageFailsAfterTheCallersAttack(CallerAttack attack) {
		Bulkhead bulkhead = semaphore("inventory");
		CompletableFuture<String> own = new CompletableFuture<>();
		CompletionStage<String> handed = bulkhead.executeCompletionStage(() -> own);
		attack.on(handed);
		own.completeExceptionally(new IllegalStateException("late failure"));
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
	}

	@Test
	void theCallerIsHandedADependentStageNotTheMethodsOwn() {
		Bulkhead bulkhead = semaphore("inventory");
		CompletableFuture<String> own = new CompletableFuture<>();
		CompletionStage<String> handed = bulkhead.executeCompletionStage(() -> own);
		assertThat(handed).isNotSameAs(own);
		own.complete("value");
		assertThat(handed.toCompletableFuture().join()).isEqualTo("value");
	}

	@ParameterizedTest
	@EnumSource(CallerAttack.class)
	void pipelineBulkheadHoldsThePermitUntilTheMethodsOwnStageCompletes(CallerAttack attack) {
		Bulkhead bulkhead = semaphore("inventory");
		Pipeline pipeline = Pipeline.builder().bulkhead(bulkhead).build();
		CompletableFuture<Object> own = new CompletableFuture<>();
		CompletionStage<Object> handed = pipeline.executeAsync(invocation(own));
		attack.on(handed);
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
		own.complete("late");
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(CallerAttack.class)
	void programmaticAsyncCallHoldsThePermitUntilTheLambdasStageCompletes(CallerAttack attack) {
		ResilienceRegistry registry = ResilienceRegistry.builder()
			.bulkheadConfigs((name) -> BulkheadConfig.custom().maxConcurrentCalls(1).build())
			.build();
		CompletableFuture<String> own = new CompletableFuture<>();
		CompletionStage<String> handed = Resilience.of(registry).bulkhead("inventory").getAsync(() -> own);
		attack.on(handed);
		assertThat(registry.bulkhead("inventory").getMetrics().getAvailableConcurrentCalls()).isZero();
		own.complete("late");
		assertThat(registry.bulkhead("inventory").getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
	}

	private static Invocation invocation(CompletionStage<Object> stage) {
		return new Invocation() {

			@Override
			public Object proceed() {
				return stage;
			}

			@Override
			public Object[] getArguments() {
				return new Object[0];
			}

			@Override
			public Object getTarget() {
				return null;
			}

		};
	}

	private Bulkhead pool(String name, int maxSize, int queueCapacity) {
		Bulkhead pool = Bulkhead.of(name,
				BulkheadConfig.custom()
					.type(BulkheadConfig.Type.THREAD_POOL)
					.coreSize(1)
					.maxSize(maxSize)
					.queueCapacity(queueCapacity)
					.build(),
				ContextPropagator.NONE);
		this.pools.add(pool);
		return pool;
	}

	/**
	 * Waits until every thread of the named pool is parked, i.e. back in the pool with
	 * nothing to run.
	 */
	private static void awaitPoolIdle(String name) {
		String prefix = "resilience-bulkhead-" + name + "-";
		while (true) {
			List<Thread> threads = Thread.getAllStackTraces()
				.keySet()
				.stream()
				.filter((thread) -> thread.getName().startsWith(prefix))
				.toList();
			if (!threads.isEmpty() && threads.stream()
				.allMatch((thread) -> thread.getState() == Thread.State.WAITING
						|| thread.getState() == Thread.State.TIMED_WAITING)) {
				return;
			}
			Thread.onSpinWait();
		}
	}

	@Test
	void threadPoolCountsACallUntilTheStageItReturnedCompletesNotUntilItsThreadIsFree() {
		Bulkhead pool = pool("nonblocking", 1, 0);
		CompletableFuture<String> own = new CompletableFuture<>();
		CountDownLatch started = new CountDownLatch(1);
		CompletionStage<String> handed = pool.executeCompletionStage(() -> {
			started.countDown();
			return own;
		});
		await(started);
		awaitPoolIdle("nonblocking");
		assertThat(pool.getMetrics().getAvailableConcurrentCalls()).as("calls available while a stage is pending")
			.isZero();
		AtomicBoolean secondRan = new AtomicBoolean();
		CompletionStage<String> second = pool.executeCompletionStage(() -> {
			secondRan.set(true);
			return CompletableFuture.completedFuture("second");
		});
		assertThat(catchThrowable(() -> second.toCompletableFuture().join()))
			.hasCauseInstanceOf(BulkheadFullException.class);
		assertThat(secondRan).isFalse();
		own.complete("done");
		assertThat(handed.toCompletableFuture().join()).isEqualTo("done");
		assertThat(pool.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(CallerAttack.class)
	void threadPoolKeepsAStartedCallCountedWhateverTheCallerDoesToItsStage(CallerAttack attack) {
		Bulkhead pool = pool("attacked-" + attack, 1, 1);
		CompletableFuture<String> own = new CompletableFuture<>();
		CountDownLatch started = new CountDownLatch(1);
		CompletionStage<String> handed = pool.executeCompletionStage(() -> {
			started.countDown();
			return own;
		});
		await(started);
		attack.on(handed);
		assertThat(own.isDone()).isFalse();
		CountDownLatch queuedStarted = new CountDownLatch(1);
		AtomicBoolean ownDoneWhenQueuedStarted = new AtomicBoolean();
		CompletionStage<String> queued = pool.executeCompletionStage(() -> {
			ownDoneWhenQueuedStarted.set(own.isDone());
			queuedStarted.countDown();
			return CompletableFuture.completedFuture("queued");
		});
		assertThat(pool.getMetrics().getAvailableConcurrentCalls()).isZero();
		assertThat(pool.getMetrics().getQueueDepth()).isEqualTo(1);
		own.complete("late");
		await(queuedStarted);
		assertThat(ownDoneWhenQueuedStarted).as("the queued call started only after the first call's stage completed")
			.isTrue();
		assertThat(queued.toCompletableFuture().join()).isEqualTo("queued");
		assertThat(pool.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
		assertThat(pool.getMetrics().getQueueDepth()).isZero();
	}

	@Test
	void threadPoolCallerCompletingAQueuedCallRemovesItSoItNeverRuns() {
		Bulkhead pool = pool("queued", 1, 1);
		CompletableFuture<String> own = new CompletableFuture<>();
		pool.executeCompletionStage(() -> own);
		AtomicBoolean queuedRan = new AtomicBoolean();
		CompletableFuture<String> queued = pool.executeCompletionStage(() -> {
			queuedRan.set(true);
			return CompletableFuture.completedFuture("queued");
		}).toCompletableFuture();
		assertThat(queued.complete("forged")).isTrue();
		assertThat(pool.getMetrics().getQueueDepth()).isZero();
		CountDownLatch afterStarted = new CountDownLatch(1);
		CompletionStage<String> after = pool.executeCompletionStage(() -> {
			afterStarted.countDown();
			return CompletableFuture.completedFuture("after");
		});
		own.complete("first");
		assertThat(after.toCompletableFuture().join()).isEqualTo("after");
		assertThat(queuedRan).isFalse();
		assertThat(pool.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
	}

	@Test
	void threadPoolCallerCancellingAStartedCallDoesNotCancelTheMethodsStage() {
		Bulkhead pool = pool("cancelled", 1, 0);
		CompletableFuture<String> own = new CompletableFuture<>();
		CountDownLatch started = new CountDownLatch(1);
		CompletableFuture<String> handed = pool.executeCompletionStage(() -> {
			started.countDown();
			return own;
		}).toCompletableFuture();
		await(started);
		awaitPoolIdle("cancelled");
		handed.cancel(true);
		assertThat(catchThrowable(handed::join)).isInstanceOf(CancellationException.class);
		assertThat(own.isCancelled()).isFalse();
		assertThat(pool.getMetrics().getAvailableConcurrentCalls()).isZero();
		own.complete("late");
		assertThat(pool.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
	}

}
