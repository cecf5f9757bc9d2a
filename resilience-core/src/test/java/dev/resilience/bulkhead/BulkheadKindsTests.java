package dev.resilience.bulkhead;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import dev.resilience.ContextPropagator;
import dev.resilience.bulkhead.internal.FixedThreadPoolBulkhead;
import dev.resilience.bulkhead.internal.SemaphoreBulkhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The two kinds of {@link Bulkhead} behind the one type: creation, refused operations,
 * metrics.
 */
@Timeout(30)
class BulkheadKindsTests {

	private static final BulkheadConfig THREAD_POOL = BulkheadConfig.custom()
		.type(BulkheadConfig.Type.THREAD_POOL)
		.coreSize(1)
		.maxSize(1)
		.queueCapacity(1)
		.build();

	private final List<Bulkhead> created = new ArrayList<>();

	private final AtomicInteger ran = new AtomicInteger();

	@AfterEach
	void closeBulkheads() {
		this.created.forEach(Bulkhead::close);
	}

	private Bulkhead bulkhead(String name, BulkheadConfig config) {
		Bulkhead bulkhead = Bulkhead.of(name, config);
		this.created.add(bulkhead);
		return bulkhead;
	}

	@Test
	void ofCreatesTheKindTheConfigurationNames() {
		assertThat(bulkhead("inventory", BulkheadConfig.ofDefaults())).isInstanceOf(SemaphoreBulkhead.class);
		assertThat(bulkhead("recommendations", THREAD_POOL)).isInstanceOf(FixedThreadPoolBulkhead.class);
		Bulkhead withContext = Bulkhead.of("propagated", THREAD_POOL, ContextPropagator.NONE);
		this.created.add(withContext);
		assertThat(withContext).isInstanceOf(FixedThreadPoolBulkhead.class);
	}

	@Test
	void threadPoolBulkheadRefusesEverySynchronousOperationNamingItselfAndExecuteAsync() {
		Bulkhead pool = bulkhead("recommendations", THREAD_POOL);

		assertUnsupported(() -> pool.execute((argument) -> this.ran.incrementAndGet(), "x"), "execute");
		assertUnsupported(() -> pool.executeSupplier(this.ran::incrementAndGet), "execute");
		assertUnsupported(() -> pool.executeCallable(this.ran::incrementAndGet), "execute");
		assertUnsupported(pool::tryAcquirePermission, "tryAcquirePermission");
		assertUnsupported(pool::acquirePermission, "acquirePermission");
		assertUnsupported(pool::releasePermission, "releasePermission");
		assertThat(this.ran).hasValue(0);
		assertThat(pool.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
		assertThat(pool.getMetrics().getNumberOfRejectedCalls()).isZero();
	}

	private static void assertUnsupported(Executable operation, String name) {
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(operation::execute)
			.withMessage("ThreadPoolBulkhead 'recommendations' runs only CompletionStage calls: " + name
					+ " is not supported; use executeAsync, or a semaphore bulkhead for plain calls");
	}

	@Test
	void semaphoreBulkheadCloseChangesNothing() {
		Bulkhead semaphore = bulkhead("inventory", BulkheadConfig.ofDefaults());
		semaphore.close();
		semaphore.close();

		assertThat(semaphore.executeSupplier(() -> "ran")).isEqualTo("ran");
		assertThat(semaphore.executeCompletionStage(() -> CompletableFuture.completedFuture("ran"))
			.toCompletableFuture()
			.join()).isEqualTo("ran");
		assertThat(semaphore.getMetrics().getAvailableConcurrentCalls()).isEqualTo(25);
	}

	@Test
	void metricsOfBothKindsReadThroughOneType() throws Exception {
		Bulkhead semaphore = bulkhead("inventory", BulkheadConfig.custom().maxConcurrentCalls(1).build());
		Bulkhead pool = bulkhead("recommendations", THREAD_POOL);
		CompletableFuture<String> semaphoreCall = new CompletableFuture<>();
		CompletableFuture<String> poolCall = new CompletableFuture<>();
		CompletionStage<String> semaphoreResult = semaphore.executeCompletionStage(() -> semaphoreCall);
		CompletionStage<String> running = pool.executeCompletionStage(() -> poolCall);
		CompletionStage<String> queued = pool.executeCompletionStage(() -> CompletableFuture.completedFuture("q"));
		Throwable semaphoreRefusal = catchThrowable(
				() -> semaphore.executeCompletionStage(() -> CompletableFuture.completedFuture("x"))
					.toCompletableFuture()
					.join());
		Throwable poolRefusal = catchThrowable(
				() -> pool.executeCompletionStage(() -> CompletableFuture.completedFuture("x"))
					.toCompletableFuture()
					.join());

		assertThat(semaphoreRefusal).hasCauseInstanceOf(BulkheadFullException.class);
		assertThat(poolRefusal).hasCauseInstanceOf(BulkheadFullException.class);
		assertMetrics(semaphore.getMetrics(), 0, 1, 1, 0, 0);
		assertMetrics(pool.getMetrics(), 0, 1, 1, 1, 1);

		semaphoreCall.complete("s");
		poolCall.complete("p");
		assertThat(semaphoreResult.toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("s");
		assertThat(running.toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("p");
		assertThat(queued.toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("q");
		assertMetrics(semaphore.getMetrics(), 1, 1, 1, 0, 0);
		assertMetrics(pool.getMetrics(), 1, 1, 1, 0, 1);
	}

	private static void assertMetrics(Bulkhead.Metrics metrics, int available, int max, long rejected, int queueDepth,
			int queueCapacity) {
		assertThat(metrics.getAvailableConcurrentCalls()).as("available").isEqualTo(available);
		assertThat(metrics.getMaxAllowedConcurrentCalls()).as("max").isEqualTo(max);
		assertThat(metrics.getNumberOfRejectedCalls()).as("rejected").isEqualTo(rejected);
		assertThat(metrics.getQueueDepth()).as("queue depth").isEqualTo(queueDepth);
		assertThat(metrics.getQueueCapacity()).as("queue capacity").isEqualTo(queueCapacity);
	}

	@Test
	void aListenerAddedTwiceIsToldOnceByEitherKind() {
		List<String> told = new CopyOnWriteArrayList<>();
		BulkheadListener listener = new BulkheadListener() {

			@Override
			public void onCallRejected(String bulkheadName) {
				told.add(bulkheadName);
			}

		};
		Bulkhead semaphore = bulkhead("inventory", BulkheadConfig.custom().maxConcurrentCalls(1).build());
		Bulkhead pool = bulkhead("recommendations",
				BulkheadConfig.custom()
					.type(BulkheadConfig.Type.THREAD_POOL)
					.coreSize(1)
					.maxSize(1)
					.queueCapacity(0)
					.build());
		semaphore.addListener(listener);
		semaphore.addListener(listener);
		pool.addListener(listener);
		pool.addListener(listener);
		CompletableFuture<String> never = new CompletableFuture<>();
		semaphore.acquirePermission();
		pool.executeCompletionStage(() -> never);

		assertThat(semaphore.tryAcquirePermission()).isFalse();
		pool.executeCompletionStage(() -> CompletableFuture.completedFuture("x"));

		assertThat(told).containsExactly("inventory", "recommendations");
		never.complete("done");
		semaphore.releasePermission();
	}

	@Test
	void aListenerThrowingAVirtualMachineErrorIsNotSwallowed() {
		Bulkhead semaphore = bulkhead("inventory", BulkheadConfig.custom().maxConcurrentCalls(1).build());
		semaphore.addListener(new BulkheadListener() {

			@Override
			public void onCallRejected(String bulkheadName) {
				throw new StackOverflowError("listener overflow");
			}

		});
		semaphore.acquirePermission();

		assertThatExceptionOfType(StackOverflowError.class).isThrownBy(semaphore::tryAcquirePermission)
			.withMessage("listener overflow");
		assertThat(semaphore.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
		semaphore.releasePermission();
	}

}
