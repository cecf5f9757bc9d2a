package dev.resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.bulkhead.internal.FixedThreadPoolBulkhead;
import dev.resilience.bulkhead.internal.SemaphoreBulkhead;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.retry.Retry;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

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
			.circuitBreakerConfigs(
					(name) -> name.equals("inventory") ? CircuitBreakerConfig.custom().failureRateThreshold(30).build()
							: CircuitBreakerConfig.ofDefaults())
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
	void bulkheadIsOfTheKindItsNamesConfigurationNames() throws Exception {
		ResilienceRegistry registry = ResilienceRegistry.builder()
			.bulkheadConfigs((name) -> name.equals("recommendations")
					? BulkheadConfig.custom().type(BulkheadConfig.Type.THREAD_POOL).coreSize(1).maxSize(1).build()
					: BulkheadConfig.ofDefaults())
			.build();
		try {
			Bulkhead pool = registry.bulkhead("recommendations");
			Bulkhead semaphore = registry.bulkhead("inventory");

			assertThat(pool).isInstanceOf(FixedThreadPoolBulkhead.class);
			assertThat(semaphore).isInstanceOf(SemaphoreBulkhead.class);
			assertThat(pool
				.executeCompletionStage(() -> CompletableFuture.completedFuture(Thread.currentThread().getName()))
				.toCompletableFuture()
				.get(10, TimeUnit.SECONDS)).isEqualTo("resilience-bulkhead-recommendations-1");
			assertThat(semaphore.executeSupplier(() -> Thread.currentThread().getName()))
				.isEqualTo(Thread.currentThread().getName());
			assertThat(registry.getBulkheads()).containsExactlyInAnyOrder(pool, semaphore);
		}
		finally {
			registry.close();
		}
	}

	@Test
	void threadsRacingForBulkheadsGetOneInstancePerNameOfTheConfiguredKindAnnouncedOnce() throws Exception {
		Map<String, AtomicInteger> configLookups = new ConcurrentHashMap<>();
		ResilienceRegistry registry = ResilienceRegistry.builder().bulkheadConfigs((name) -> {
			configLookups.computeIfAbsent(name, (key) -> new AtomicInteger()).incrementAndGet();
			return name.startsWith("pool-") ? BulkheadConfig.custom().type(BulkheadConfig.Type.THREAD_POOL).build()
					: BulkheadConfig.ofDefaults();
		}).build();
		List<Bulkhead> announced = new CopyOnWriteArrayList<>();
		registry.addListener(new ResilienceRegistry.RegistryListener() {
			@Override
			public void onBulkheadAdded(Bulkhead bulkhead) {
				announced.add(bulkhead);
			}
		});
		int threads = 8;
		List<String> names = List.of("pool-a", "pool-b", "semaphore-a", "semaphore-b");
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<List<Bulkhead>>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				results.add(executor.submit(() -> {
					start.await();
					List<Bulkhead> seen = new ArrayList<>();
					for (String name : names) {
						seen.add(registry.bulkhead(name));
					}
					return seen;
				}));
			}
			for (Future<List<Bulkhead>> result : results) {
				List<Bulkhead> seen = result.get(30, TimeUnit.SECONDS);
				for (int i = 0; i < names.size(); i++) {
					assertThat(seen.get(i)).isSameAs(registry.bulkhead(names.get(i)));
				}
			}
		}
		finally {
			executor.shutdownNow();
			registry.close();
		}

		assertThat(registry.getBulkheads()).hasSize(names.size());
		assertThat(announced).containsExactlyInAnyOrderElementsOf(registry.getBulkheads());
		assertThat(configLookups).allSatisfy((name, lookups) -> assertThat(lookups).hasValue(1));
		assertThat(registry.bulkhead("pool-a")).isInstanceOf(FixedThreadPoolBulkhead.class);
		assertThat(registry.bulkhead("pool-b")).isInstanceOf(FixedThreadPoolBulkhead.class);
		assertThat(registry.bulkhead("semaphore-a")).isInstanceOf(SemaphoreBulkhead.class);
		assertThat(registry.bulkhead("semaphore-b")).isInstanceOf(SemaphoreBulkhead.class);
	}

	@Test
	void closingTheRegistryClosesItsThreadPoolBulkheads() {
		ResilienceRegistry registry = ResilienceRegistry.builder()
			.bulkheadConfigs((name) -> BulkheadConfig.custom().type(BulkheadConfig.Type.THREAD_POOL).build())
			.build();
		Bulkhead pool = registry.bulkhead("recommendations");

		registry.close();

		assertThat(catchThrowable(() -> pool.executeCompletionStage(() -> CompletableFuture.completedFuture("x"))
			.toCompletableFuture()
			.join())).hasRootCauseMessage("ThreadPoolBulkhead 'recommendations' is closed");
	}

	@Test
	void aListenerRegisteredTwiceIsToldOfEachInstanceOnce() {
		ResilienceRegistry registry = ResilienceRegistry.ofDefaults();
		registry.bulkhead("existing");
		List<String> told = new CopyOnWriteArrayList<>();
		ResilienceRegistry.RegistryListener listener = new ResilienceRegistry.RegistryListener() {
			@Override
			public void onBulkheadAdded(Bulkhead bulkhead) {
				told.add(bulkhead.getName());
			}
		};

		registry.addListener(listener);
		registry.addListener(listener);
		registry.bulkhead("created");
		registry.removeListener(listener);
		registry.bulkhead("unheard");

		assertThat(told).containsExactly("existing", "created");
	}

	@Test
	void aFailingListenerNeitherFailsTheCreationNorSilencesTheOthers() {
		ResilienceRegistry registry = ResilienceRegistry.ofDefaults();
		List<String> told = new CopyOnWriteArrayList<>();
		registry.addListener(new ResilienceRegistry.RegistryListener() {
			@Override
			public void onCircuitBreakerAdded(CircuitBreaker circuitBreaker) {
				throw new IllegalStateException("listener bug");
			}
		});
		registry.addListener(new ResilienceRegistry.RegistryListener() {
			@Override
			public void onCircuitBreakerAdded(CircuitBreaker circuitBreaker) {
				told.add(circuitBreaker.getName());
			}
		});

		CircuitBreaker created = registry.circuitBreaker("inventory");

		assertThat(registry.findCircuitBreaker("inventory")).containsSame(created);
		assertThat(told).containsExactly("inventory");
	}

	@Test
	void aListenerThrowingAVirtualMachineErrorIsNotSwallowed() {
		ResilienceRegistry registry = ResilienceRegistry.ofDefaults();
		registry.addListener(new ResilienceRegistry.RegistryListener() {
			@Override
			public void onRetryAdded(Retry retry) {
				throw new StackOverflowError("listener overflow");
			}
		});

		assertThatExceptionOfType(StackOverflowError.class).isThrownBy(() -> registry.retry("inventory"))
			.withMessage("listener overflow");
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
			List<Future<?>> creators = new ArrayList<>();
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
