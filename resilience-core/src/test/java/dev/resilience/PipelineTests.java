package dev.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.bulkhead.BulkheadFullException;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.fallback.FallbackConfig;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryConfig;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The composition order of {@link Pipeline}, checked by behaviour, with every scenario
 * run both as a plain call and as a {@code CompletionStage} call.
 */
class PipelineTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final List<Throwable> fallbackFailures = new ArrayList<>();

	private Retry retry(int maxAttempts) {
		return Retry.of("downstream",
				RetryConfig.custom()
					.maxAttempts(maxAttempts)
					.waitDuration(Duration.ofMillis(100))
					.maxWaitDuration(Duration.ofSeconds(1))
					.jitter(RetryConfig.Jitter.NONE)
					.budget(RetryConfig.BudgetConfig.disabled())
					.build(),
				this.ticker, this.scheduler, ContextPropagator.NONE);
	}

	private CircuitBreaker breaker() {
		return CircuitBreaker.of("downstream",
				CircuitBreakerConfig.custom().slidingWindowSize(10).minimumNumberOfCalls(10).build(), this.ticker);
	}

	private Pipeline.Builder withFallback(Pipeline.Builder builder) {
		return builder.fallback((invocation, failure) -> {
			this.fallbackFailures.add(failure);
			return "fallback";
		}, FallbackConfig.ofDefaults());
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void fallbackSeesTheFailureLeftAfterEveryRetry(Mode mode) {
		AtomicInteger calls = new AtomicInteger();
		Pipeline pipeline = withFallback(Pipeline.builder().retry(retry(3))).build();

		Outcome outcome = mode.run(pipeline, this.scheduler, () -> {
			throw new IllegalStateException("attempt " + calls.incrementAndGet());
		});

		assertThat(outcome.value()).isEqualTo("fallback");
		assertThat(calls).hasValue(3);
		assertThat(this.fallbackFailures).singleElement()
			.satisfies((failure) -> assertThat(failure).hasMessage("attempt 3"));
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void everyRetryAttemptIsRecordedByTheBreaker(Mode mode) {
		CircuitBreaker breaker = breaker();
		Pipeline pipeline = Pipeline.builder().retry(retry(3)).circuitBreaker(breaker).build();

		Outcome outcome = mode.run(pipeline, this.scheduler, () -> {
			throw new IllegalStateException("down");
		});

		assertThat(outcome.failure()).isInstanceOf(IllegalStateException.class);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(3);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void openBreakerIsNotRetriedAndGoesStraightToTheFallback(Mode mode) {
		CircuitBreaker breaker = breaker();
		breaker.transitionToForcedOpenState();
		Retry retry = retry(3);
		AtomicInteger calls = new AtomicInteger();
		Pipeline pipeline = withFallback(Pipeline.builder().circuitBreaker(breaker).retry(retry)).build();

		Outcome outcome = mode.run(pipeline, this.scheduler, () -> {
			calls.incrementAndGet();
			return "live";
		});

		assertThat(outcome.value()).isEqualTo("fallback");
		assertThat(calls).hasValue(0);
		assertThat(retry.getMetrics().getNumberOfRetryAttempts()).isZero();
		assertThat(this.fallbackFailures).singleElement().isInstanceOf(CallNotPermittedException.class);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void everyAttemptHoldsABulkheadPermitOnlyWhileItRuns(Mode mode) {
		Bulkhead bulkhead = Bulkhead.of("downstream", BulkheadConfig.custom().maxConcurrentCalls(1).build());
		List<Integer> availableDuringAttempts = new ArrayList<>();
		AtomicInteger calls = new AtomicInteger();
		Pipeline pipeline = Pipeline.builder().retry(retry(3)).bulkhead(bulkhead).build();

		Outcome outcome = mode.run(pipeline, this.scheduler, () -> {
			availableDuringAttempts.add(bulkhead.getMetrics().getAvailableConcurrentCalls());
			if (calls.incrementAndGet() < 3) {
				throw new IllegalStateException("flaky");
			}
			return "ok";
		});

		assertThat(outcome.value()).isEqualTo("ok");
		assertThat(availableDuringAttempts).containsExactly(0, 0, 0);
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void fullBulkheadReachesTheFallback(Mode mode) {
		Bulkhead bulkhead = Bulkhead.of("downstream", BulkheadConfig.custom().maxConcurrentCalls(1).build());
		bulkhead.acquirePermission();
		Pipeline pipeline = withFallback(Pipeline.builder().bulkhead(bulkhead)).build();

		Outcome outcome = mode.run(pipeline, this.scheduler, () -> "live");

		assertThat(outcome.value()).isEqualTo("fallback");
		assertThat(this.fallbackFailures).singleElement().isInstanceOf(BulkheadFullException.class);
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void fallbackSkipsFailuresItIsNotConfiguredFor(Mode mode) {
		Pipeline pipeline = Pipeline.builder()
			.fallback((invocation, failure) -> "fallback",
					FallbackConfig.of(List.of(IllegalStateException.class), List.of()))
			.build();

		Outcome outcome = mode.run(pipeline, this.scheduler, () -> {
			throw new IllegalArgumentException("bad input");
		});

		assertThat(outcome.failure()).isInstanceOf(IllegalArgumentException.class).hasMessage("bad input");
	}

	@Test
	void stagesComposeInTheDocumentedOrderWhateverTheBuilderOrder() {
		Stage passThrough = new Stage() {
			@Override
			public Object call(Invocation invocation, CheckedFunction<Invocation, Object> next) throws Throwable {
				return next.apply(invocation);
			}

			@Override
			public CompletionStage<Object> callAsync(Invocation invocation,
					CheckedFunction<Invocation, CompletionStage<Object>> next) throws RuntimeException {
				try {
					return next.apply(invocation);
				}
				catch (Throwable ex) {
					return CompletableFuture.failedFuture(ex);
				}
			}
		};
		Pipeline pipeline = Pipeline.builder()
			.bulkhead(Bulkhead.of("b", BulkheadConfig.ofDefaults()))
			.circuitBreaker(CircuitBreaker.of("c", CircuitBreakerConfig.ofDefaults(), this.ticker))
			.retry(retry(2))
			.fallback((invocation, failure) -> null, FallbackConfig.ofDefaults())
			.outer("idempotency", passThrough)
			.build();

		assertThat(pipeline.getStages()).containsExactly("idempotency", "fallback", "retry 'downstream'",
				"circuit breaker 'c'", "bulkhead 'b'");
	}

	@Test
	void threadPoolBulkheadRunsAsyncCallsOnItsThreadsAndRefusesPlainCallsBeforeTheyRun() throws Exception {
		Bulkhead pool = Bulkhead.of("pool",
				BulkheadConfig.custom().type(BulkheadConfig.Type.THREAD_POOL).coreSize(1).maxSize(1).build());
		try {
			Pipeline pipeline = Pipeline.builder().retry(retry(2)).bulkhead(pool).build();
			AtomicInteger plainCalls = new AtomicInteger();

			assertThat(pipeline.getStages()).containsExactly("retry 'downstream'", "thread-pool bulkhead 'pool'");
			assertThat(pipeline
				.executeAsync(invocation(() -> CompletableFuture.completedFuture(Thread.currentThread().getName())))
				.toCompletableFuture()
				.get(10, TimeUnit.SECONDS)).isEqualTo("resilience-bulkhead-pool-1");
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> pipeline.execute(invocation(plainCalls::incrementAndGet)))
				.withMessageStartingWith("ThreadPoolBulkhead 'pool' runs only CompletionStage calls");
			assertThat(plainCalls).hasValue(0);
		}
		finally {
			pool.close();
		}
	}

	@Test
	void asyncPipelineTurnsASynchronousThrowIntoAFailedStage() {
		Pipeline pipeline = Pipeline.builder().circuitBreaker(breaker()).build();

		CompletionStage<Object> stage = pipeline.executeAsync(invocation(() -> {
			throw new IllegalStateException("thrown before any stage existed");
		}));

		assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
	}

	@Test
	void asyncPipelineTreatsANullStageAsAFailure() {
		Pipeline pipeline = Pipeline.builder().build();

		CompletionStage<Object> stage = pipeline.executeAsync(invocation(() -> null));

		assertThat(stage.toCompletableFuture()).failsWithin(Duration.ZERO)
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(NullPointerException.class);
	}

	@Test
	void successPathThroughRetryBreakerAndBulkheadAllocatesNothing() throws Throwable {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
			.getThreadMXBean();
		Pipeline pipeline = Pipeline.builder()
			.retry(Retry.of("hot", RetryConfig.ofDefaults(), this.ticker, this.scheduler, ContextPropagator.NONE))
			.circuitBreaker(breaker())
			.bulkhead(Bulkhead.of("hot", BulkheadConfig.ofDefaults()))
			.build();
		Object result = "ok";
		Invocation invocation = invocation(() -> result);
		int calls = 200_000;
		for (int i = 0; i < calls; i++) {
			pipeline.execute(invocation);
		}
		long threadId = Thread.currentThread().getId();
		long before = threads.getThreadAllocatedBytes(threadId);
		for (int i = 0; i < calls; i++) {
			pipeline.execute(invocation);
		}
		long allocated = threads.getThreadAllocatedBytes(threadId) - before;

		assertThat((double) allocated / calls).as("bytes allocated per call (retry budget on, count window)")
			.isLessThan(1.0);
	}

	static Invocation invocation(Callable<Object> body) {
		return new Invocation() {
			@Override
			public Object proceed() throws Exception {
				return body.call();
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

	record Outcome(Object value, Throwable failure) {
	}

	/** Runs one scenario as a plain call or as a {@code CompletionStage} call. */
	enum Mode {

		SYNC {
			@Override
			Outcome run(Pipeline pipeline, FakeScheduler scheduler, Callable<Object> body) {
				try {
					return new Outcome(pipeline.execute(invocation(body)), null);
				}
				catch (Throwable ex) {
					return new Outcome(null, ex);
				}
			}
		},

		ASYNC {
			@Override
			Outcome run(Pipeline pipeline, FakeScheduler scheduler, Callable<Object> body) {
				CompletableFuture<Object> result = pipeline.executeAsync(invocation(() -> {
					try {
						return CompletableFuture.completedFuture(body.call());
					}
					catch (Exception ex) {
						return CompletableFuture.failedFuture(ex);
					}
				})).toCompletableFuture();
				scheduler.runAll();
				assertThat(result).as("async call completed once scheduled retries ran").isDone();
				try {
					return new Outcome(result.join(), null);
				}
				catch (CompletionException ex) {
					return new Outcome(null, ex.getCause());
				}
			}
		};

		abstract Outcome run(Pipeline pipeline, FakeScheduler scheduler, Callable<Object> body);

	}

}
