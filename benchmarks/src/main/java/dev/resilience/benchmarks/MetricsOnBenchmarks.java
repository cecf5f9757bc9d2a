package dev.resilience.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link CallBenchmarks}' breaker, retry, bulkhead and stack rows with metrics on: each
 * library's meters bound to a Prometheus registry as Actuator binds them
 * ({@link MeteredStates}). Each method also counts its call in its thread's
 * {@link MeteredStates.Calls} (one increment of a field), so that the state can prove the
 * meters counted every call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class MetricsOnBenchmarks {

	@Benchmark
	public int oursCircuitBreaker(MeteredStates.Ours context, MeteredStates.Calls calls, States.Argument argument) {
		calls.circuitBreaker++;
		return context.circuitBreaker.work(argument.x);
	}

	@Benchmark
	public int oursRetry(MeteredStates.Ours context, MeteredStates.Calls calls, States.Argument argument) {
		calls.retry++;
		return context.retry.work(argument.x);
	}

	@Benchmark
	public int oursBulkhead(MeteredStates.Ours context, MeteredStates.Calls calls, States.Argument argument) {
		calls.bulkhead++;
		return context.bulkhead.work(argument.x);
	}

	@Benchmark
	public int oursStack(MeteredStates.Ours context, MeteredStates.Calls calls, States.Argument argument) {
		calls.stack++;
		return context.stack.work(argument.x);
	}

	@Benchmark
	public int resilience4jCircuitBreaker(MeteredStates.Resilience4j context, MeteredStates.Calls calls,
			States.Argument argument) {
		calls.circuitBreaker++;
		return context.circuitBreaker.work(argument.x);
	}

	@Benchmark
	public int resilience4jRetry(MeteredStates.Resilience4j context, MeteredStates.Calls calls,
			States.Argument argument) {
		calls.retry++;
		return context.retry.work(argument.x);
	}

	@Benchmark
	public int resilience4jBulkhead(MeteredStates.Resilience4j context, MeteredStates.Calls calls,
			States.Argument argument) {
		calls.bulkhead++;
		return context.bulkhead.work(argument.x);
	}

	@Benchmark
	public int resilience4jStack(MeteredStates.Resilience4j context, MeteredStates.Calls calls,
			States.Argument argument) {
		calls.stack++;
		return context.stack.work(argument.x);
	}

}
