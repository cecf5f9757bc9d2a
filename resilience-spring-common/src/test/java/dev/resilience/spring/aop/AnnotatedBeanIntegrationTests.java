package dev.resilience.spring.aop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

import dev.resilience.ResilienceRegistry;
import dev.resilience.bulkhead.BulkheadFullException;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.circuitbreaker.CircuitBreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Annotated beans called through their Spring proxy, configured in YAML-style properties,
 * as an application would use them.
 */
@SpringBootTest(classes = AnnotatedBeanIntegrationTests.TestApplication.class,
		properties = { "resilience.circuit-breaker.defaults.sliding-window-size=4",
				"resilience.circuit-breaker.defaults.minimum-number-of-calls=4",
				"resilience.circuit-breaker.defaults.failure-rate-threshold=50",
				"resilience.circuit-breaker.instances.inventory.wait-duration-in-open-state=1h",
				"resilience.circuit-breaker.instances.guarded.sliding-window-size=100",
				"resilience.circuit-breaker.instances.guarded.minimum-number-of-calls=100",
				"resilience.retry.defaults.max-attempts=3", "resilience.retry.defaults.wait-duration=1ms",
				"resilience.retry.defaults.jitter=none", "resilience.retry.defaults.budget.enabled=false",
				"resilience.bulkhead.instances.narrow.max-concurrent-calls=1" })
class AnnotatedBeanIntegrationTests {

	@Autowired
	private InventoryService inventory;

	private InventoryService.Probe probe;

	@Autowired
	private ResilienceRegistry registry;

	@BeforeEach
	@AfterEach
	void reset() {
		this.probe = this.inventory.probe();
		this.registry.getCircuitBreakers().forEach(CircuitBreaker::reset);
		this.probe.failure.set(null);
		this.probe.reserveCalls.set(0);
		this.probe.guardedCalls.set(0);
		this.probe.asyncCalls.set(0);
		this.probe.lastFallback.set(null);
	}

	@Test
	void beanIsProxiedAndHealthyCallsPassThrough() {
		assertThat(this.inventory.reserve("sku-1")).isEqualTo(7);
		assertThat(this.probe.reserveCalls).hasValue(1);
	}

	@Test
	void retriesAFailingCallUpToMaxAttempts() {
		this.probe.failure.set(new IllegalStateException("down"));

		assertThatIllegalStateException().isThrownBy(() -> this.inventory.reserve("sku-1")).withMessage("down");

		assertThat(this.probe.reserveCalls).hasValue(3);
		assertThat(this.registry.retry("inventory").getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isPositive();
	}

	@Test
	void everyRetryAttemptIsRecordedByTheBreakerWhichThenOpensAndStopsCallingTheMethod() {
		this.probe.failure.set(new IllegalStateException("down"));
		assertThatIllegalStateException().isThrownBy(() -> this.inventory.reserve("sku-1"));
		assertThat(this.registry.circuitBreaker("inventory").getMetrics().getNumberOfFailedCalls()).isEqualTo(3);

		assertThatExceptionOfType(Exception.class).isThrownBy(() -> this.inventory.reserve("sku-1"));

		assertThat(this.registry.circuitBreaker("inventory").getState()).isEqualTo(CircuitBreaker.State.OPEN);
		int callsWhenOpened = this.probe.reserveCalls.get();
		assertThat(callsWhenOpened).as("the 4th recorded failure opened it; its retry was refused, not retried")
			.isEqualTo(4);

		assertThatExceptionOfType(CallNotPermittedException.class).isThrownBy(() -> this.inventory.reserve("sku-1"))
			.satisfies((ex) -> assertThat(ex.getInstanceName()).isEqualTo("inventory"));
		assertThat(this.probe.reserveCalls).as("not invoked, not retried while open").hasValue(callsWhenOpened);
	}

	@Test
	void fallbackIsChosenByTheClosestExceptionTypeAfterTheLastAttempt() {
		this.probe.failure.set(new IllegalStateException("down"));
		assertThat(this.inventory.guarded("a")).isEqualTo("fallback-state:a");
		assertThat(this.probe.guardedCalls).as("fallback after every attempt").hasValue(3);

		this.probe.failure.set(new IllegalArgumentException("bad"));
		assertThat(this.inventory.guarded("b")).isEqualTo("fallback-runtime:b");
		assertThat(this.probe.lastFallback).hasValue("runtime:IllegalArgumentException");
	}

	@Test
	void openBreakerGoesStraightToTheFallbackWithoutRetrying() {
		this.registry.circuitBreaker("guarded").transitionToForcedOpenState();

		assertThat(this.inventory.guarded("c")).isEqualTo("fallback-runtime:c");

		assertThat(this.probe.guardedCalls).hasValue(0);
		assertThat(this.probe.lastFallback).hasValue("runtime:CallNotPermittedException");
	}

	@Test
	void completableFutureMethodRetriesAsynchronouslyAndFallsBack() {
		this.probe.failure.set(new IllegalStateException("down"));

		CompletableFuture<String> result = this.inventory.reserveAsync("d");

		assertThat(result.orTimeout(30, TimeUnit.SECONDS).join()).isEqualTo("fallback:d");
		assertThat(this.probe.asyncCalls).hasValue(3);
		assertThat(this.registry.circuitBreaker("async").getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
		assertThat(this.probe.lastFallback).hasValue("async:IllegalStateException");
	}

	@Test
	void completableFutureMethodSucceedsThroughThePipeline() {
		assertThat(this.inventory.reserveAsync("e").orTimeout(30, TimeUnit.SECONDS).join()).isEqualTo("live:e");
	}

	@Test
	void bulkheadRefusesTheExtraConcurrentCall() throws Exception {
		this.probe.slowCallEntered = new CountDownLatch(1);
		this.probe.releaseSlowCall = new CountDownLatch(1);
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<String> first = executor.submit(this.inventory::slow);
			assertThat(this.probe.slowCallEntered.await(30, TimeUnit.SECONDS)).isTrue();

			assertThatExceptionOfType(BulkheadFullException.class).isThrownBy(this.inventory::slow)
				.satisfies((ex) -> assertThat(ex.getInstanceName()).isEqualTo("narrow"));

			this.probe.releaseSlowCall.countDown();
			assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(this.registry.bulkhead("narrow").getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
		}
		finally {
			this.probe.releaseSlowCall.countDown();
			executor.shutdownNow();
		}
	}

	@Test
	void selfInvocationBypassesTheProxyAndIsNotProtected() {
		this.probe.failure.set(new IllegalStateException("down"));

		assertThatIllegalStateException().isThrownBy(() -> this.inventory.reserveThroughSelfInvocation("f"));

		assertThat(this.probe.reserveCalls).as("no retry: the call never went through the proxy").hasValue(1);
		assertThat(this.registry.circuitBreaker("inventory").getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		InventoryService inventoryService() {
			return new InventoryService();
		}

	}

}
