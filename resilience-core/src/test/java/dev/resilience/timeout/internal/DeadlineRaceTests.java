package dev.resilience.timeout.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.timeout.TimeoutConfig;
import dev.resilience.timeout.TimeoutExceededException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads arm, end and re-arm calls while a driver thread moves fake time and fires
 * deadlines as fast as it can. Every call is checked against what its own readings of the
 * ticker prove: a call that took the whole duration must fail, a call that was over
 * before the duration must not, and no call may leave an interrupt behind.
 */
class DeadlineRaceTests {

	private static final long DURATION_NANOS = 200;

	private static final int THREADS = 6;

	private static final int CALLS = 20_000;

	private final FakeTicker ticker = new FakeTicker();

	private final DeadlineWatcher watcher = DeadlineWatcher.manual(this.ticker);

	private final TimeoutImpl timeout = new TimeoutImpl("race",
			TimeoutConfig.custom().duration(java.time.Duration.ofNanos(DURATION_NANOS)).build(),
			new FakeScheduler(this.ticker), this.watcher);

	@Test
	void deadlinesFiringWhileCallsEndAndRestartNeverHitTheWrongCall() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
		AtomicBoolean running = new AtomicBoolean(true);
		CyclicBarrier start = new CyclicBarrier(THREADS + 1);
		try {
			Future<?> driver = pool.submit(() -> {
				start.await();
				ThreadLocalRandom random = ThreadLocalRandom.current();
				while (running.get()) {
					this.ticker.advanceNanos(random.nextInt(1, 60));
					this.watcher.checkDeadlines();
				}
				return null;
			});
			List<Future<Counts>> workers = new ArrayList<>();
			for (int i = 0; i < THREADS; i++) {
				workers.add(pool.submit(() -> {
					start.await();
					return runCalls();
				}));
			}
			Counts total = new Counts();
			for (Future<Counts> worker : workers) {
				total.add(worker.get(60, TimeUnit.SECONDS));
			}
			running.set(false);
			driver.get(10, TimeUnit.SECONDS);

			assertThat(total.violations).as("violations, first: %s", total.firstViolation).isZero();
			assertThat(total.timedOut).as("calls that timed out").isPositive();
			assertThat(total.successful).as("calls that succeeded").isPositive();
			assertThat(this.timeout.getNumberOfTimedOutCalls()).isEqualTo(total.timedOut);
			assertThat(this.timeout.getNumberOfSuccessfulCalls()).isEqualTo(total.successful);
		}
		finally {
			running.set(false);
			pool.shutdownNow();
		}
	}

	private Counts runCalls() {
		Counts counts = new Counts();
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long[] readings = new long[2];
		boolean[] sawInterrupt = new boolean[1];
		for (int i = 0; i < CALLS; i++) {
			int spins = random.nextInt(0, 200);
			long before = this.ticker.read();
			boolean timedOut;
			try {
				this.timeout.execute((n) -> {
					readings[0] = this.ticker.read();
					for (int s = 0; s < n; s++) {
						Thread.onSpinWait();
					}
					sawInterrupt[0] = Thread.currentThread().isInterrupted();
					readings[1] = this.ticker.read();
					return null;
				}, spins);
				timedOut = false;
			}
			catch (TimeoutExceededException ex) {
				timedOut = true;
			}
			catch (Throwable ex) {
				counts.violation("unexpected " + ex);
				continue;
			}
			long after = this.ticker.read();
			if (Thread.interrupted()) {
				counts.violation("stray interrupt after a call (timed out: " + timedOut + ")");
			}
			if (!timedOut && readings[1] - readings[0] >= DURATION_NANOS) {
				counts.violation("a call that took " + (readings[1] - readings[0]) + "ns succeeded");
			}
			if (timedOut && after - before < DURATION_NANOS) {
				counts.violation("a call over within " + (after - before) + "ns timed out");
			}
			if (sawInterrupt[0] && !timedOut) {
				counts.violation("an interrupted call succeeded");
			}
			if (timedOut) {
				counts.timedOut++;
			}
			else {
				counts.successful++;
			}
		}
		return counts;
	}

	private static final class Counts {

		long successful;

		long timedOut;

		long violations;

		String firstViolation;

		void violation(String description) {
			if (this.violations++ == 0) {
				this.firstViolation = description;
			}
		}

		void add(Counts other) {
			this.successful += other.successful;
			this.timedOut += other.timedOut;
			if (this.firstViolation == null) {
				this.firstViolation = other.firstViolation;
			}
			this.violations += other.violations;
		}

	}

}
