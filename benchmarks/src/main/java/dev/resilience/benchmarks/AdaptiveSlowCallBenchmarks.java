package dev.resilience.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import dev.resilience.CheckedFunction;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;

/**
 * What latency-anomaly detection ({@code adaptive-slow-call.enabled}) costs per call: the
 * success path of one breaker, on the engine directly (no proxy), with the feature off
 * and on. On, each call also reads the cached learned threshold (one more ticker reading)
 * and learns its latency (one atomic increment in the estimator). Average time per call,
 * one thread; run with {@code -prof gc} to see that neither allocates.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class AdaptiveSlowCallBenchmarks {

	@Benchmark
	public Integer fixedThreshold(Breakers breakers, States.Argument argument) throws Throwable {
		return breakers.fixed.execute(Breakers.WORK, argument.x);
	}

	@Benchmark
	public Integer adaptiveThreshold(Breakers breakers, States.Argument argument) throws Throwable {
		return breakers.adaptive.execute(Breakers.WORK, argument.x);
	}

	/** Two breakers with the default settings, one with adaptive slow calls on. */
	@State(Scope.Benchmark)
	public static class Breakers {

		static final CheckedFunction<Integer, Integer> WORK = (x) -> x + 1;

		CircuitBreaker fixed;

		CircuitBreaker adaptive;

		@Setup
		public void create() throws Throwable {
			this.fixed = CircuitBreaker.of("fixed", CircuitBreakerConfig.ofDefaults());
			this.adaptive = CircuitBreaker.of("adaptive",
					CircuitBreakerConfig.custom().adaptiveSlowCallEnabled(true).build());
			// Past the minimum number of calls, so that the learned threshold is read on
			// every measured call.
			for (int i = 0; i < CircuitBreakerConfig.DEFAULT_MINIMUM_NUMBER_OF_CALLS; i++) {
				this.adaptive.execute(WORK, i);
			}
			if (this.adaptive.getMetrics().getAdaptiveSlowCallThresholdNanos() < 0) {
				throw new IllegalStateException("adaptive breaker learned nothing");
			}
		}

	}

}
