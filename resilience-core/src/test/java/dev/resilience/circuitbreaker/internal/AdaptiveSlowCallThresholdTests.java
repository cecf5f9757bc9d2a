package dev.resilience.circuitbreaker.internal;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.resilience.CheckedFunction;
import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The learned slow-call threshold inside the breaker: a breaker without it carries no
 * estimator, every normal closed latency recorded by many threads is learned, and the
 * success path with it on still allocates nothing.
 */
class AdaptiveSlowCallThresholdTests {

	private final FakeTicker ticker = new FakeTicker();

	@Test
	void aBreakerWithoutAdaptiveSlowCallsCarriesNoEstimator() {
		CircuitBreakerStateMachine off = new CircuitBreakerStateMachine("off", CircuitBreakerConfig.ofDefaults(),
				this.ticker);
		assertThat(off.currentState().context.adaptiveSlowCall).isNull();
		CircuitBreakerStateMachine on = new CircuitBreakerStateMachine("on",
				CircuitBreakerConfig.custom().adaptiveSlowCallEnabled(true).build(), this.ticker);
		assertThat(on.currentState().context.adaptiveSlowCall).isNotNull();
	}

	@Test
	void everyNormalLatencyRecordedByManyThreadsIsLearned() throws Exception {
		int threads = 8;
		int perThread = 25_000;
		CircuitBreakerStateMachine breaker = new CircuitBreakerStateMachine("learning",
				CircuitBreakerConfig.custom()
					.slidingWindowSize(100)
					.minimumNumberOfCalls(50)
					.adaptiveSlowCallEnabled(true)
					.build(),
				this.ticker);
		AdaptiveSlowCallThreshold adaptive = breaker.currentState().context.adaptiveSlowCall;
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				long latency = Duration.ofMillis(1 + t).toNanos();
				done.add(pool.submit(() -> {
					start.await(10, TimeUnit.SECONDS);
					for (int i = 0; i < perThread; i++) {
						breaker.tryAdmit().onSuccess(latency);
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(adaptive.learnedSamples()).isEqualTo((long) threads * perThread);
		assertThat(breaker.getMetrics().getNumberOfSlowCalls()).isZero();
	}

	@Test
	void successPathWithAdaptiveSlowCallsAllocatesNothing() throws Throwable {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		// A microsecond per reading: 400,000 calls stay within one learning window.
		Ticker ticker = new Ticker() {

			private long now;

			@Override
			public long read() {
				this.now += 1_000;
				return this.now;
			}

		};
		CircuitBreakerStateMachine breaker = new CircuitBreakerStateMachine("closed",
				CircuitBreakerConfig.custom().adaptiveSlowCallEnabled(true).build(), ticker);
		breaker.addListener(new Transitions());
		CheckedFunction<Object, Object> call = (argument) -> argument;
		Object argument = "ok";
		int calls = 100_000;
		for (int i = 0; i < calls; i++) {
			breaker.execute(call, argument);
		}
		assertThat(breaker.getMetrics().getAdaptiveSlowCallThresholdNanos()).isPositive();
		long threadId = Thread.currentThread().getId();
		long before = threads.getThreadAllocatedBytes(threadId);
		for (int i = 0; i < calls; i++) {
			breaker.execute(call, argument);
		}
		long allocated = threads.getThreadAllocatedBytes(threadId) - before;
		assertThat((double) allocated / calls).as("bytes allocated per call (adaptive slow calls on)").isLessThan(1.0);
	}

}
