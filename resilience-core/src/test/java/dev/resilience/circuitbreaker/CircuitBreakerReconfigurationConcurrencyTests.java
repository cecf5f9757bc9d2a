package dev.resilience.circuitbreaker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls recorded on many threads while the breaker is reconfigured over and over: no call
 * is lost from a kept window, none is counted twice, and a breaker whose calls all
 * succeed never opens whatever the thresholds it passes through.
 */
@Timeout(120)
class CircuitBreakerReconfigurationConcurrencyTests {

	private static final int THREADS = 4;

	private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);

	@AfterEach
	void stopThreads() {
		this.threads.shutdownNow();
	}

	private static CircuitBreakerConfig config(int windowSize, float threshold) {
		return CircuitBreakerConfig.custom()
			.slidingWindowSize(windowSize)
			.minimumNumberOfCalls(1)
			.failureRateThreshold(threshold)
			.build();
	}

	@Test
	void successfulCallsUnderReconfigurationsKeepTheBreakerClosedAndItsWindowFull() throws Exception {
		CircuitBreaker breaker = CircuitBreaker.of("inventory", config(50, 50), new FakeTicker());
		AtomicBoolean stop = new AtomicBoolean();
		LongAdder recorded = new LongAdder();
		CountDownLatch started = new CountDownLatch(THREADS);
		List<Future<?>> callers = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			callers.add(this.threads.submit(() -> {
				started.countDown();
				while (!stop.get()) {
					CircuitBreaker.Permission permission = breaker.tryAdmit();
					assertThat(permission).isNotNull();
					permission.onSuccess(0);
					recorded.increment();
				}
				return null;
			}));
		}
		started.await();
		for (int i = 0; i < 5_000; i++) {
			// Same shape each time except every 100th, which restarts the window.
			int size = (i % 100 == 99) ? 40 + (i / 100) % 2 * 10 : 50;
			breaker.reconfigure(config(size, 1 + (i % 100)));
		}
		breaker.reconfigure(config(50, 1));
		long before = recorded.sum();
		while (recorded.sum() < before + 200) {
			Thread.onSpinWait();
		}
		stop.set(true);
		for (Future<?> caller : callers) {
			caller.get();
		}
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(50);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(breaker.getConfig().getFailureRateThreshold()).isEqualTo(1f);
	}

}
