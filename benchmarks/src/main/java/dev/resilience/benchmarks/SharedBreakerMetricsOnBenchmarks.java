package dev.resilience.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link SharedBreakerBenchmarks} with metrics on: two threads calling one
 * {@code @CircuitBreaker} method whose breaker's meters are bound to a Prometheus
 * registry ({@link MeteredStates}), so both also record into the same call timer. Each
 * thread counts its calls in its own {@link MeteredStates.Calls}, checked against the
 * timer's count at the end of the trial.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(2)
public class SharedBreakerMetricsOnBenchmarks {

	@Benchmark
	public int ours(MeteredStates.Ours context, MeteredStates.Calls calls, States.Argument argument) {
		calls.circuitBreaker++;
		return context.circuitBreaker.work(argument.x);
	}

	@Benchmark
	public int resilience4j(MeteredStates.Resilience4j context, MeteredStates.Calls calls, States.Argument argument) {
		calls.circuitBreaker++;
		return context.circuitBreaker.work(argument.x);
	}

}
