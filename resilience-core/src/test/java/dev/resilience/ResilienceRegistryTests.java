package dev.resilience;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.testing.FakeTicker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ResilienceRegistryTests {

	@Test
	void sameNameGivesTheSameInstance() {
		ResilienceRegistry registry = ResilienceRegistry.ofDefaults();

		assertThat(registry.circuitBreaker("inventory")).isSameAs(registry.circuitBreaker("inventory"));
		assertThat(registry.retry("inventory")).isSameAs(registry.retry("inventory"));
		assertThat(registry.bulkhead("inventory")).isSameAs(registry.bulkhead("inventory"));
		assertThat(registry.circuitBreaker("inventory")).isNotSameAs(registry.circuitBreaker("payments"));
	}

	@Test
	void eachNameGetsItsOwnConfiguration() {
		ResilienceRegistry registry = ResilienceRegistry.builder()
			.ticker(new FakeTicker())
			.circuitBreakerConfigs((name) -> name.equals("inventory")
					? CircuitBreakerConfig.custom().failureRateThreshold(30).build() : CircuitBreakerConfig.ofDefaults())
			.build();

		assertThat(registry.circuitBreaker("inventory").getConfig().getFailureRateThreshold()).isEqualTo(30f);
		assertThat(registry.circuitBreaker("other").getConfig().getFailureRateThreshold())
			.isEqualTo(CircuitBreakerConfig.DEFAULT_FAILURE_RATE_THRESHOLD);
	}

	@Test
	void findDoesNotCreate() {
		ResilienceRegistry registry = ResilienceRegistry.ofDefaults();

		assertThat(registry.findCircuitBreaker("unknown")).isEmpty();
		assertThat(registry.getCircuitBreakers()).isEmpty();
	}

	@Test
	void askingForTheWrongKindOfBulkheadNamesTheConfiguredKind() {
		ResilienceRegistry registry = ResilienceRegistry.builder()
			.bulkheadConfigs((name) -> BulkheadConfig.custom().type(BulkheadConfig.Type.THREAD_POOL).build())
			.build();

		assertThatIllegalStateException().isThrownBy(() -> registry.bulkhead("recommendations"))
			.withMessageContaining("'recommendations' is configured as THREAD_POOL");
		registry.close();
	}

	@Test
	void listenerSeesEveryInstanceExactlyOnceWhileInstancesAreCreatedConcurrently() throws Exception {
		ResilienceRegistry registry = ResilienceRegistry.ofDefaults();
		int threads = 8;
		int names = 200;
		CyclicBarrier start = new CyclicBarrier(threads + 1);
		Set<CircuitBreaker> seen = ConcurrentHashMap.newKeySet();
		AtomicInteger notifications = new AtomicInteger();
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> creators = new java.util.ArrayList<>();
			for (int t = 0; t < threads; t++) {
				creators.add(executor.submit(() -> {
					start.await();
					for (int i = 0; i < names; i++) {
						registry.circuitBreaker("breaker-" + i);
					}
					return null;
				}));
			}
			start.await();
			registry.addListener(new ResilienceRegistry.RegistryListener() {
				@Override
				public void onCircuitBreakerAdded(CircuitBreaker circuitBreaker) {
					seen.add(circuitBreaker);
					notifications.incrementAndGet();
				}
			});
			for (Future<?> creator : creators) {
				creator.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}

		assertThat(registry.getCircuitBreakers()).hasSize(names);
		assertThat(seen).containsExactlyInAnyOrderElementsOf(registry.getCircuitBreakers());
		assertThat(notifications).hasValue(names);
	}

}
