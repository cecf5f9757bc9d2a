package dev.resilience.bulkhead;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A semaphore bulkhead whose limit changes while calls hold and ask for permits: no call
 * is admitted beyond the limit in force, calls in flight keep their permits, and no
 * permit is lost or made up by the switch.
 */
@Timeout(120)
class SemaphoreBulkheadReconfigurationTests {

	private static final int THREADS = 4;

	private final ExecutorService threads = Executors.newFixedThreadPool(THREADS + 1);

	@AfterEach
	void stopThreads() {
		this.threads.shutdownNow();
	}

	private static BulkheadConfig limit(int maxConcurrentCalls) {
		return BulkheadConfig.custom().maxConcurrentCalls(maxConcurrentCalls).build();
	}

	@Test
	void loweredLimitAdmitsNoCallUntilTheCallsInFlightFallBelowIt() {
		Bulkhead bulkhead = Bulkhead.of("inventory", limit(5));
		for (int i = 0; i < 5; i++) {
			assertThat(bulkhead.tryAcquirePermission()).isTrue();
		}
		bulkhead.reconfigure(limit(3));
		assertThat(bulkhead.getMetrics().getMaxAllowedConcurrentCalls()).isEqualTo(3);
		assertThat(bulkhead.getConfig().getMaxConcurrentCalls()).isEqualTo(3);
		bulkhead.releasePermission();
		bulkhead.releasePermission();
		// 3 in flight: the new limit is reached.
		assertThat(bulkhead.tryAcquirePermission()).isFalse();
		bulkhead.releasePermission();
		assertThat(bulkhead.tryAcquirePermission()).isTrue();
		assertThat(bulkhead.tryAcquirePermission()).isFalse();
		for (int i = 0; i < 3; i++) {
			bulkhead.releasePermission();
		}
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(3);
		// Every permit is back: one more release is a bug the bulkhead still reports.
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(bulkhead::releasePermission);
	}

	@Test
	void raisedLimitAdmitsMoreCallsAtOnce() {
		Bulkhead bulkhead = Bulkhead.of("inventory", limit(2));
		assertThat(bulkhead.tryAcquirePermission()).isTrue();
		assertThat(bulkhead.tryAcquirePermission()).isTrue();
		assertThat(bulkhead.tryAcquirePermission()).isFalse();
		bulkhead.reconfigure(limit(4));
		assertThat(bulkhead.tryAcquirePermission()).isTrue();
		assertThat(bulkhead.tryAcquirePermission()).isTrue();
		assertThat(bulkhead.tryAcquirePermission()).isFalse();
		assertThat(bulkhead.getMetrics().getNumberOfRejectedCalls()).isEqualTo(2);
	}

	@Test
	void raisedLimitWakesACallerParkedForAPermit() throws Exception {
		Bulkhead bulkhead = Bulkhead.of("inventory",
				BulkheadConfig.custom().maxConcurrentCalls(1).maxWaitDuration(Duration.ofHours(1)).build());
		assertThat(bulkhead.tryAcquirePermission()).isTrue();
		AtomicReference<Boolean> admitted = new AtomicReference<>();
		Thread waiter = new Thread(() -> admitted.set(bulkhead.tryAcquirePermission()));
		waiter.start();
		while (waiter.getState() != Thread.State.TIMED_WAITING) {
			Thread.onSpinWait();
		}
		bulkhead
			.reconfigure(BulkheadConfig.custom().maxConcurrentCalls(2).maxWaitDuration(Duration.ofHours(1)).build());
		// Without a wake-up the waiter would park for an hour and the class timeout fail
		// the test.
		waiter.join();
		assertThat(admitted.get()).isTrue();
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
	}

	@Test
	void newMaxWaitAppliesToTheNextCallThatFindsNoPermit() throws Exception {
		Bulkhead bulkhead = Bulkhead.of("inventory", limit(1));
		assertThat(bulkhead.tryAcquirePermission()).isTrue();
		bulkhead
			.reconfigure(BulkheadConfig.custom().maxConcurrentCalls(1).maxWaitDuration(Duration.ofHours(1)).build());
		AtomicReference<Boolean> admitted = new AtomicReference<>();
		Thread waiter = new Thread(() -> admitted.set(bulkhead.tryAcquirePermission()));
		waiter.start();
		// Parks (without the new wait it would be refused at once and end).
		while (waiter.getState() != Thread.State.TIMED_WAITING) {
			Thread.onSpinWait();
		}
		bulkhead.releasePermission();
		waiter.join();
		assertThat(admitted.get()).isTrue();
	}

	@Test
	void limitSwitchedUnderManyThreadsNeverAdmitsBeyondTheLargerLimitAndLosesNoPermit() throws Exception {
		Bulkhead bulkhead = Bulkhead.of("inventory", limit(1));
		AtomicInteger inFlight = new AtomicInteger();
		AtomicInteger maxInFlight = new AtomicInteger();
		AtomicBoolean stop = new AtomicBoolean();
		LongAdder calls = new LongAdder();
		CountDownLatch started = new CountDownLatch(THREADS);
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			workers.add(this.threads.submit(() -> {
				started.countDown();
				while (!stop.get()) {
					if (bulkhead.tryAcquirePermission()) {
						try {
							maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
							Thread.yield();
							inFlight.decrementAndGet();
							calls.increment();
						}
						finally {
							bulkhead.releasePermission();
						}
					}
				}
				return null;
			}));
		}
		started.await();
		for (int i = 0; i < 20_000; i++) {
			bulkhead.reconfigure(limit(1 + (i % 3)));
		}
		bulkhead.reconfigure(limit(2));
		stop.set(true);
		for (Future<?> worker : workers) {
			worker.get();
		}
		// Four threads, a limit of at most three: a permit made up by a switch would
		// show.
		assertThat(maxInFlight.get()).isBetween(1, 3);
		assertThat(calls.sum()).isPositive();
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
		assertThat(bulkhead.getMetrics().getMaxAllowedConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void configurationOfAnotherTypeIsRefusedAndTheOldOneStays() {
		Bulkhead bulkhead = Bulkhead.of("inventory", limit(2));
		BulkheadConfig before = bulkhead.getConfig();
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> bulkhead.reconfigure(BulkheadConfig.custom().type(BulkheadConfig.Type.THREAD_POOL).build()))
			.withMessageContaining("'inventory'");
		assertThat(bulkhead.getConfig()).isSameAs(before);
		assertThat(bulkhead.getMetrics().getMaxAllowedConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void threadPoolBulkheadCannotBeReconfigured() {
		try (Bulkhead bulkhead = Bulkhead.of("pool",
				BulkheadConfig.custom().type(BulkheadConfig.Type.THREAD_POOL).build())) {
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> bulkhead.reconfigure(bulkhead.getConfig()))
				.withMessageContaining("'pool'");
		}
	}

}
