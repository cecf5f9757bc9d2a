package dev.resilience.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * Two threads calling one {@code @CircuitBreaker} method, so both record into the same
 * breaker and its sliding window: throughput under contention, in calls per microsecond
 * (all threads).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(2)
public class SharedBreakerBenchmarks {

	@Benchmark
	public int ours(States.Ours context, States.Argument argument) {
		return context.circuitBreaker.work(argument.x);
	}

	@Benchmark
	public int resilience4j(States.Resilience4j context, States.Argument argument) {
		return context.circuitBreaker.work(argument.x);
	}

}
