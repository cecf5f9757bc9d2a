package dev.resilience.idempotency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.idempotency.FaultInjectingStore.Fault;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads, several instances sharing one store that fails now and then: each key's
 * method never runs twice at once, returns a result at most once (after that its record
 * is completed, or its claim is held until its lease ends), every caller gets that
 * result, a documented refusal or the method's own failure, and no lease renewal is left
 * scheduled.
 */
class IdempotencyConcurrencyTests {

	private static final int THREADS = 16;

	private static final int CALLS_PER_THREAD = 60;

	private static final int KEYS = 4;

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final MemoryIdempotencyStore memory = new MemoryIdempotencyStore(100, this.ticker);

	private final FaultInjectingStore store = new FaultInjectingStore(this.memory, this.ticker, Duration.ofHours(1));

	private final Map<Integer, AtomicInteger> running = new ConcurrentHashMap<>();

	private final Map<Integer, Set<String>> returned = new ConcurrentHashMap<>();

	private final Set<Throwable> thrownByMethods = ConcurrentHashMap.newKeySet();

	private final List<String> violations = new CopyOnWriteArrayList<>();

	@Test
	void eachKeyRunsAtMostOnceAtATimeAndReturnsAtMostOnceWhateverTheStoreFails() throws Exception {
		SplittableRandom faults = new SplittableRandom(17);
		this.store.plan((operation, call) -> {
			int roll;
			synchronized (faults) {
				roll = faults.nextInt(100);
			}
			return (roll < 10) ? Fault.FAIL : (roll < 15) ? Fault.FAIL_AFTER : Fault.NONE;
		});
		List<Idempotency> instances = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			instances.add(Idempotency.of("payments",
					IdempotencyConfig.custom().inProgressTimeout(Duration.ofHours(1)).build(), this.store, this.ticker,
					this.scheduler));
		}
		for (int key = 0; key < KEYS; key++) {
			this.running.put(key, new AtomicInteger());
			this.returned.put(key, ConcurrentHashMap.newKeySet());
		}
		CyclicBarrier start = new CyclicBarrier(THREADS);
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<List<Object[]>>> results = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				SplittableRandom random = new SplittableRandom(t);
				results.add(pool.submit(() -> {
					start.await(30, TimeUnit.SECONDS);
					List<Object[]> outcomes = new ArrayList<>();
					for (int i = 0; i < CALLS_PER_THREAD; i++) {
						int key = random.nextInt(KEYS);
						boolean fails = random.nextInt(3) == 0;
						Idempotency idempotency = instances.get(random.nextInt(instances.size()));
						try {
							outcomes.add(new Object[] { key, idempotency.execute("key-" + key, null, "fp",
									StringResultCodec.INSTANCE, (Integer k) -> method(k, fails), key) });
						}
						catch (Throwable ex) {
							outcomes.add(new Object[] { key, ex });
						}
					}
					return outcomes;
				}));
			}
			for (Future<List<Object[]>> result : results) {
				for (Object[] outcome : result.get(60, TimeUnit.SECONDS)) {
					int key = (Integer) outcome[0];
					Object value = outcome[1];
					if (value instanceof Throwable failure) {
						assertThat(failure instanceof IdempotencyInProgressException
								|| failure instanceof IdempotencyStoreUnavailableException
								|| this.thrownByMethods.contains(failure))
							.as("a documented refusal or the method's own failure, not %s", failure)
							.isTrue();
					}
					else {
						assertThat(this.returned.get(key)).as("the key's one result").containsExactly((String) value);
					}
				}
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.violations).isEmpty();
		for (int key = 0; key < KEYS; key++) {
			assertThat(this.returned.get(key)).as("a result at most once per key").hasSizeLessThanOrEqualTo(1);
		}
		assertThat(this.scheduler.pendingTasks()).as("every renewal stopped with its call").isZero();
	}

	private Object method(int key, boolean fails) {
		if (this.running.get(key).incrementAndGet() != 1) {
			this.violations.add("key " + key + " ran twice at once");
		}
		try {
			if (fails) {
				IllegalStateException failure = new IllegalStateException("declined");
				this.thrownByMethods.add(failure);
				throw failure;
			}
			String value = "result-" + key + "-" + Thread.currentThread().getName();
			if (!this.returned.get(key).add(value) || this.returned.get(key).size() > 1) {
				this.violations.add("key " + key + " returned a result twice");
			}
			return value;
		}
		finally {
			this.running.get(key).decrementAndGet();
		}
	}

}
