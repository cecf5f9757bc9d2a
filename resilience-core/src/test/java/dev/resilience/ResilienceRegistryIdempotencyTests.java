package dev.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.idempotency.Idempotency;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.idempotency.StringResultCodec;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Idempotency instances kept by the registry, by name and by namespace within a name. */
class ResilienceRegistryIdempotencyTests {

	private final AtomicInteger executions = new AtomicInteger();

	@Test
	void sameNameGivesTheSameInstance() {
		ResilienceRegistry registry = ResilienceRegistry.ofDefaults();

		assertThat(registry.idempotency("payments")).isSameAs(registry.idempotency("payments"))
			.isSameAs(registry.idempotency("payments", null))
			.isNotSameAs(registry.idempotency("refunds"));
		assertThat(registry.idempotency("payments").getNamespace()).isNull();
	}

	@Test
	void eachNamespaceOfANameGetsItsOwnInstanceConfiguredByTheName() {
		ResilienceRegistry registry = ResilienceRegistry.builder()
			.idempotencyConfigs((name) -> name.equals("PaymentService.charge")
					? IdempotencyConfig.custom().ttl(Duration.ofMinutes(5)).build() : IdempotencyConfig.ofDefaults())
			.build();

		Idempotency card = registry.idempotency("PaymentService.charge", "com.example.card.PaymentService.charge()");
		Idempotency cash = registry.idempotency("PaymentService.charge", "com.example.cash.PaymentService.charge()");

		assertThat(card).isNotSameAs(cash)
			.isNotSameAs(registry.idempotency("PaymentService.charge"))
			.isSameAs(registry.idempotency("PaymentService.charge", "com.example.card.PaymentService.charge()"));
		assertThat(card.getNamespace()).isEqualTo("com.example.card.PaymentService.charge()");
		assertThat(List.of(card, cash)).allSatisfy((instance) -> {
			assertThat(instance.getName()).isEqualTo("PaymentService.charge");
			assertThat(instance.getConfig().getTtl()).isEqualTo(Duration.ofMinutes(5));
		});
	}

	@Test
	void namespacedInstancesNeverShareRecords() throws Throwable {
		ResilienceRegistry registry = ResilienceRegistry.builder().idempotencyIoExecutor(Runnable::run).build();
		Idempotency card = registry.idempotency("Register.record", "card.Register.record(java.lang.String)");
		Idempotency cash = registry.idempotency("Register.record", "cash.Register.record(java.lang.String)");

		assertThat(card.execute("k-1", null, "fp", StringResultCodec.INSTANCE, this::run, "card")).isEqualTo("card:1");
		assertThat(cash.execute("k-1", null, "fp", StringResultCodec.INSTANCE, this::run, "cash")).isEqualTo("cash:2");
		assertThat(card.execute("k-1", null, "fp", StringResultCodec.INSTANCE, this::run, "card")).isEqualTo("card:1");
		assertThat(this.executions).hasValue(2);
	}

	@Test
	void everyInstanceIsListedAndFoundByNameWithoutCreatingAny() {
		ResilienceRegistry registry = ResilienceRegistry.ofDefaults();
		assertThat(registry.findIdempotencies("payments")).isEmpty();
		assertThat(registry.getIdempotencies()).isEmpty();

		Idempotency shared = registry.idempotency("payments");
		Idempotency namespaced = registry.idempotency("payments", "com.example.Payments.charge()");
		Idempotency other = registry.idempotency("refunds");

		assertThat(registry.getIdempotencies()).containsExactlyInAnyOrder(shared, namespaced, other);
		assertThat(registry.findIdempotencies("payments")).containsExactlyInAnyOrder(shared, namespaced);
		assertThat(registry.findIdempotencies("unknown")).isEmpty();
		assertThat(registry.getIdempotencies()).hasSize(3);
	}

	@Test
	void storeIsAskedForOnceWithTheFirstInstance() {
		AtomicInteger asked = new AtomicInteger();
		IdempotencyStore store = new MemoryIdempotencyStore();
		ResilienceRegistry registry = ResilienceRegistry.builder().idempotencyStore(() -> {
			asked.incrementAndGet();
			return store;
		}).build();
		assertThat(asked).as("not before an instance needs it").hasValue(0);

		registry.idempotency("payments");
		registry.idempotency("payments", "com.example.Payments.charge()");
		registry.idempotency("refunds");

		assertThat(asked).hasValue(1);
		assertThat(registry.getIdempotencies())
			.allSatisfy((instance) -> assertThat(instance.getStore()).isSameAs(store));
	}

	@Test
	void threadsRacingForOneNameAndNamespaceGetOneInstanceOneStoreAndOneAnnouncement() throws Exception {
		int threads = 16;
		AtomicInteger asked = new AtomicInteger();
		IdempotencyStore store = new MemoryIdempotencyStore();
		ResilienceRegistry registry = ResilienceRegistry.builder().idempotencyStore(() -> {
			asked.incrementAndGet();
			return store;
		}).build();
		List<Idempotency> told = new CopyOnWriteArrayList<>();
		registry.addListener(new ResilienceRegistry.RegistryListener() {
			@Override
			public void onIdempotencyAdded(Idempotency idempotency) {
				told.add(idempotency);
			}
		});
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			CyclicBarrier start = new CyclicBarrier(threads);
			List<Future<Idempotency>> created = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				String namespace = (i % 2 == 0) ? "com.example.Payments.charge()" : null;
				created.add(executor.submit(() -> {
					start.await();
					return registry.idempotency("payments", namespace);
				}));
			}
			Set<Idempotency> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
			for (Future<Idempotency> instance : created) {
				distinct.add(instance.get(1, TimeUnit.MINUTES));
			}

			assertThat(distinct).as("one instance per (name, namespace)").hasSize(2);
			assertThat(told).as("each announced once").hasSize(2).containsExactlyInAnyOrderElementsOf(distinct);
			assertThat(asked).as("the store asked for once").hasValue(1);
			assertThat(registry.getIdempotencies()).hasSize(2);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void defaultStoreKeepsRecordsInMemoryByTheRegistrysTicker() throws Throwable {
		FakeTicker ticker = new FakeTicker();
		ResilienceRegistry registry = ResilienceRegistry.builder()
			.ticker(ticker)
			.idempotencyIoExecutor(Runnable::run)
			.idempotencyConfigs((name) -> IdempotencyConfig.custom().ttl(Duration.ofMinutes(1)).build())
			.build();
		Idempotency payments = registry.idempotency("payments");
		IdempotencyStore store = payments.getStore();
		assertThat(store).isInstanceOf(MemoryIdempotencyStore.class);

		payments.execute("k-1", null, "fp", StringResultCodec.INSTANCE, this::run, "a");
		assertThat(payments.execute("k-1", null, "fp", StringResultCodec.INSTANCE, this::run, "a")).isEqualTo("a:1");
		ticker.advance(Duration.ofMinutes(2));
		assertThat(payments.execute("k-1", null, "fp", StringResultCodec.INSTANCE, this::run, "a"))
			.as("the record expired by the registry's ticker")
			.isEqualTo("a:2");
	}

	@Test
	void listenerIsToldOfEachInstanceOnceIncludingThoseCreatedBeforeItRegistered() {
		ResilienceRegistry registry = ResilienceRegistry.ofDefaults();
		Idempotency before = registry.idempotency("payments");
		List<Idempotency> told = new ArrayList<>();
		registry.addListener(new ResilienceRegistry.RegistryListener() {
			@Override
			public void onIdempotencyAdded(Idempotency idempotency) {
				told.add(idempotency);
			}
		});

		Idempotency after = registry.idempotency("payments", "com.example.Payments.charge()");
		registry.idempotency("payments");
		registry.idempotency("payments", "com.example.Payments.charge()");

		assertThat(told).containsExactly(before, after);
	}

	@Test
	void closeLeavesAGivenIoExecutorToItsOwner() {
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			ResilienceRegistry registry = ResilienceRegistry.builder().idempotencyIoExecutor(executor).build();
			registry.idempotency("payments");
			registry.close();
			assertThat(executor.isShutdown()).isFalse();
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void blankNameOrNamespaceIsRefused() {
		ResilienceRegistry registry = ResilienceRegistry.ofDefaults();

		assertThatIllegalArgumentException().isThrownBy(() -> registry.idempotency(" "))
			.withMessageContaining("name must not be blank");
		assertThatIllegalArgumentException().isThrownBy(() -> registry.idempotency("payments", ""))
			.withMessageContaining("namespace must not be blank");
		assertThat(registry.getIdempotencies()).isEmpty();
	}

	private String run(String argument) {
		return argument + ":" + this.executions.incrementAndGet();
	}

}
