package dev.resilience;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.retry.RetryConfig;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

class ResilienceTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final ResilienceRegistry registry = ResilienceRegistry.builder()
		.ticker(this.ticker)
		.scheduler(this.scheduler)
		.retryConfigs((name) -> RetryConfig.custom()
			.maxAttempts(3)
			.waitDuration(Duration.ofMillis(10))
			.budget(RetryConfig.BudgetConfig.disabled())
			.build())
		.build();

	private final Resilience resilience = Resilience.of(this.registry);

	@Test
	void lambdaRunsThroughTheSameNamedInstancesAsAnnotations() {
		CircuitBreaker inventory = this.registry.circuitBreaker("inventory");
		inventory.transitionToForcedOpenState();

		assertThatExceptionOfType(CallNotPermittedException.class)
			.isThrownBy(() -> this.resilience.circuitBreaker("inventory").get(() -> "live"))
			.satisfies((ex) -> assertThat(ex.getInstanceName()).isEqualTo("inventory"));
	}

	@Test
	void retriesThenAnswersWithTheFallback() {
		AtomicInteger calls = new AtomicInteger();

		String answer = this.resilience.retry("inventory")
			.fallback((failure) -> "fallback after " + failure.getMessage())
			.get(() -> {
				throw new IllegalStateException("attempt " + calls.incrementAndGet());
			});

		assertThat(answer).isEqualTo("fallback after attempt 3");
	}

	@Test
	void checkedExceptionsOfACallablePropagateAsTheyAre() {
		assertThatIOException().isThrownBy(() -> this.resilience.circuitBreaker("inventory").call(() -> {
			throw new IOException("disk");
		})).withMessage("disk");
	}

	@Test
	void asyncCallsRetryOnTheSchedulerAndComplete() {
		AtomicInteger calls = new AtomicInteger();

		CompletableFuture<String> result = this.resilience.retry("inventory")
			.<String>getAsync(() -> (calls.incrementAndGet() < 3)
					? CompletableFuture.failedFuture(new IllegalStateException("flaky"))
					: CompletableFuture.completedFuture("ok"))
			.toCompletableFuture();
		assertThat(result).isNotDone();
		this.scheduler.runAll();

		assertThat(result).isCompletedWithValue("ok");
		assertThat(calls).hasValue(3);
	}

	@Test
	void aThreadPoolBulkheadNameRunsAsyncCallsOnThePoolAndRefusesPlainOnes() throws Exception {
		ResilienceRegistry registry = ResilienceRegistry.builder()
			.bulkheadConfigs((name) -> BulkheadConfig.custom()
				.type(BulkheadConfig.Type.THREAD_POOL)
				.coreSize(1)
				.maxSize(1)
				.build())
			.build();
		try {
			Resilience.Policies policies = Resilience.of(registry).bulkhead("recommendations");
			AtomicInteger plainCalls = new AtomicInteger();

			assertThat(
					policies.<String>getAsync(() -> CompletableFuture.completedFuture(Thread.currentThread().getName()))
						.toCompletableFuture()
						.get(10, TimeUnit.SECONDS))
				.isEqualTo("resilience-bulkhead-recommendations-1");
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> policies.get(plainCalls::incrementAndGet))
				.withMessageStartingWith("ThreadPoolBulkhead 'recommendations' runs only CompletionStage calls");
			assertThat(plainCalls).hasValue(0);
			assertThat(policies.pipeline().getStages()).containsExactly("thread-pool bulkhead 'recommendations'");
		}
		finally {
			registry.close();
		}
	}

	@Test
	void policiesComposeInTheFixedOrderWhateverOrderTheyAreNamedIn() {
		assertThat(this.resilience.bulkhead("b").circuitBreaker("c").retry("r").pipeline().getStages())
			.containsExactly("retry 'r'", "circuit breaker 'c'", "bulkhead 'b'");
	}

}
