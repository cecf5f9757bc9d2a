package dev.resilience.spring.idempotency.multi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import dev.resilience.idempotency.IdempotencyInProgressException;
import dev.resilience.idempotency.IdempotencyKeys;
import dev.resilience.idempotency.IdempotencyRecord;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.spring.idempotency.PaymentService;
import dev.resilience.spring.idempotency.PaymentService.ChargeCommand;
import dev.resilience.spring.idempotency.PaymentService.Receipt;
import dev.resilience.spring.idempotency.SpelIdempotencyStageFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two application instances sharing one store: 2 × 32 threads fire the same 500 keys at
 * once. Each key must run exactly once; every caller gets the one result or an
 * in-progress refusal; no record is left in progress.
 */
abstract class MultiInstanceIdempotencyTests {

	private static final int KEYS = 500;

	private static final int THREADS_PER_INSTANCE = 32;

	/** The shared side effect: executions per key, counted across both instances. */
	private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

	/** Properties that point both instances at the same store. */
	protected abstract List<String> storeProperties();

	/** Removes what the run stored. */
	protected abstract void cleanUp(ConfigurableApplicationContext context);

	protected abstract String keyPrefix();

	@Test
	void twoInstancesSharingOneStoreExecuteEachKeyExactlyOnce() throws Exception {
		ConfigurableApplicationContext first = start();
		ConfigurableApplicationContext second = start();
		try {
			List<String> keys = new ArrayList<>();
			for (int i = 0; i < KEYS; i++) {
				keys.add("order-" + i);
			}
			Map<String, Set<Receipt>> results = new ConcurrentHashMap<>();
			LongAdder inProgress = new LongAdder();
			LongAdder calls = new LongAdder();
			int threads = 2 * THREADS_PER_INSTANCE;
			CyclicBarrier start = new CyclicBarrier(threads);
			ExecutorService executor = Executors.newFixedThreadPool(threads);
			try {
				List<Future<?>> workers = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					PaymentService payments = ((t < THREADS_PER_INSTANCE) ? first : second)
						.getBean(PaymentService.class);
					workers.add(executor.submit(() -> {
						List<String> order = new ArrayList<>(keys);
						Collections.shuffle(order, ThreadLocalRandom.current());
						start.await();
						for (String key : order) {
							calls.increment();
							try {
								Receipt receipt = payments.charge(new ChargeCommand(key, 10));
								results.computeIfAbsent(key, (k) -> ConcurrentHashMap.newKeySet()).add(receipt);
							}
							catch (IdempotencyInProgressException ex) {
								inProgress.increment();
							}
						}
						return null;
					}));
				}
				for (Future<?> worker : workers) {
					worker.get(5, TimeUnit.MINUTES);
				}
			}
			finally {
				executor.shutdownNow();
			}

			assertThat(calls.sum()).isEqualTo((long) threads * KEYS);
			assertThat(this.executions).hasSize(KEYS);
			assertThat(this.executions.values()).allSatisfy((count) -> assertThat(count).hasValue(1));
			assertThat(results).hasSize(KEYS);
			assertThat(results.values()).as("every caller that got a result got the one result")
				.allSatisfy((receipts) -> assertThat(receipts).hasSize(1));
			long answered = results.values().stream().mapToLong(Set::size).sum();
			assertThat(answered).isEqualTo(KEYS);
			IdempotencyStore store = first.getBean(IdempotencyStore.class);
			for (String key : keys) {
				// a default-named method's records are namespaced by its class, name and
				// parameter types (docs/idempotency.md, "Scope")
				String recordId = IdempotencyKeys.recordId(keyPrefix(), null, "PaymentService.charge",
						SpelIdempotencyStageFactory.defaultNamespace(
								PaymentService.class.getMethod("charge", ChargeCommand.class), PaymentService.class),
						key);
				assertThat(store.find(recordId)).as("record of %s", key)
					.hasValueSatisfying(
							(record) -> assertThat(record.state()).isEqualTo(IdempotencyRecord.State.COMPLETED));
			}
		}
		finally {
			cleanUp(first);
			first.close();
			second.close();
		}
	}

	private ConfigurableApplicationContext start() {
		List<String> properties = new ArrayList<>(storeProperties());
		properties.add("resilience.idempotency.key-prefix=" + keyPrefix());
		properties.add("resilience.idempotency.scope=global");
		return new SpringApplicationBuilder(Instance.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.initializers((context) -> context.getBeanFactory().registerSingleton("sharedExecutions", this.executions))
			.run();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Instance {

		@Bean
		@SuppressWarnings("unchecked")
		PaymentService paymentService(org.springframework.beans.factory.BeanFactory beanFactory) {
			return new PaymentService((Map<String, AtomicInteger>) beanFactory.getBean("sharedExecutions"));
		}

	}

}
