package dev.resilience.bulkhead;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.resilience.ContextPropagator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many callers against one asynchronous bulkhead, each attacking the stage it was handed
 * at random (cancel, complete, fail, time out, or leave it alone) while the method's own
 * work is still going on elsewhere. The invariant is counted by the method bodies
 * themselves, independently of the bulkhead: from the moment a body starts until the
 * moment it completes its own stage, it is in flight; never more than the limit may be,
 * and once everything has settled every permit is back.
 */
@Timeout(120)
class AsyncBulkheadInvariantTests {

	private static final int LIMIT = 3;

	private static final int CALLERS = 4;

	private static final int CALLS_PER_CALLER = 3_000;

	private final ExecutorService callers = Executors.newFixedThreadPool(CALLERS);

	/** Finishes the methods' work, as a non-blocking client's I/O threads would. */
	private final ExecutorService io = Executors.newFixedThreadPool(2);

	private final AtomicInteger inBody = new AtomicInteger();

	private final AtomicInteger maxInBody = new AtomicInteger();

	private final ConcurrentLinkedQueue<CompletableFuture<String>> ownStages = new ConcurrentLinkedQueue<>();

	private Bulkhead pool;

	@AfterEach
	void stop() {
		this.callers.shutdownNow();
		this.io.shutdownNow();
		if (this.pool != null) {
			this.pool.close();
		}
	}

	enum Kind {

		SEMAPHORE, THREAD_POOL

	}

	/**
	 * The method under protection: starts its work and returns at once with a stage
	 * another thread completes.
	 */
	private CompletionStage<String> body() {
		this.maxInBody.accumulateAndGet(this.inBody.incrementAndGet(), Math::max);
		CompletableFuture<String> own = new CompletableFuture<>();
		this.ownStages.add(own);
		this.io.execute(() -> {
			Thread.yield();
			this.inBody.decrementAndGet();
			own.complete("ok");
		});
		return own;
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void inFlightMethodBodiesNeverExceedTheLimitWhateverCallersDoToTheirStages(Kind kind) throws Exception {
		Function<Supplier<CompletionStage<String>>, CompletionStage<String>> bulkhead;
		Bulkhead.Metrics metrics;
		if (kind == Kind.SEMAPHORE) {
			Bulkhead semaphore = Bulkhead.of("invariant", BulkheadConfig.custom().maxConcurrentCalls(LIMIT).build());
			bulkhead = semaphore::executeCompletionStage;
			metrics = semaphore.getMetrics();
		}
		else {
			this.pool = Bulkhead.of("invariant",
					BulkheadConfig.custom()
						.type(BulkheadConfig.Type.THREAD_POOL)
						.coreSize(1)
						.maxSize(LIMIT)
						.queueCapacity(4)
						.build(),
					ContextPropagator.NONE);
			bulkhead = this.pool::executeCompletionStage;
			metrics = this.pool.getMetrics();
		}
		LongAdder refused = new LongAdder();
		CyclicBarrier start = new CyclicBarrier(CALLERS);
		List<Future<List<CompletableFuture<String>>>> submitted = new ArrayList<>();
		for (int c = 0; c < CALLERS; c++) {
			SplittableRandom random = new SplittableRandom(c);
			submitted.add(this.callers.submit(() -> {
				start.await();
				List<CompletableFuture<String>> handed = new ArrayList<>();
				for (int i = 0; i < CALLS_PER_CALLER; i++) {
					CompletableFuture<String> result = bulkhead.apply(this::body).toCompletableFuture();
					switch (random.nextInt(5)) {
						case 0 -> result.cancel(true);
						case 1 -> result.complete("forged");
						case 2 -> result.completeExceptionally(new IllegalStateException("forged"));
						case 3 -> result.orTimeout(1, TimeUnit.NANOSECONDS);
						default -> {
						}
					}
					handed.add(result);
				}
				return handed;
			}));
		}
		for (Future<List<CompletableFuture<String>>> callerResults : submitted) {
			for (CompletableFuture<String> result : callerResults.get()) {
				try {
					result.join();
				}
				catch (CompletionException ex) {
					if (ex.getCause() instanceof BulkheadFullException) {
						refused.increment();
					}
				}
				catch (RuntimeException ex) {
					// cancelled by its caller
				}
			}
		}
		// Every body's own stage completes on the io threads; wait for each, then for the
		// permits those completions return (a thread-pool call may still be on its way
		// through the queue).
		for (CompletableFuture<String> own : this.ownStages) {
			own.handle((value, failure) -> value).join();
		}
		while (metrics.getAvailableConcurrentCalls() != LIMIT) {
			Thread.onSpinWait();
		}
		assertThat(this.maxInBody.get()).as("method bodies in flight at once").isBetween(1, LIMIT);
		assertThat(this.inBody.get()).isZero();
		assertThat(metrics.getAvailableConcurrentCalls()).isEqualTo(LIMIT);
		assertThat(metrics.getNumberOfRejectedCalls()).isGreaterThanOrEqualTo(refused.sum());
		assertThat(metrics.getQueueDepth()).isZero();
	}

}
