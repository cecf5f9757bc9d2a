package dev.resilience.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * Average time per call, one thread, success path, through each library's proxy of the
 * same trivial method. Run with {@code -prof gc} for {@code gc.alloc.rate.norm} (bytes
 * per call). A {@code Mono} method's call is its subscription, with {@code block()} on
 * both sides.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class CallBenchmarks {

	/**
	 * One read of the clock the engine's ticker uses, to tell what the stack's three
	 * reads per call cost on the machine the suite runs on.
	 */
	@Benchmark
	public long clockRead() {
		return System.nanoTime();
	}

	@Benchmark
	public int noProxy(States.Floor context, States.Argument argument) {
		return context.plain.work(argument.x);
	}

	@Benchmark
	public int floor(States.Floor context, States.Argument argument) {
		return context.floor.work(argument.x);
	}

	@Benchmark
	public int oursCircuitBreaker(States.Ours context, States.Argument argument) {
		return context.circuitBreaker.work(argument.x);
	}

	@Benchmark
	public int oursRetry(States.Ours context, States.Argument argument) {
		return context.retry.work(argument.x);
	}

	@Benchmark
	public int oursBulkhead(States.Ours context, States.Argument argument) {
		return context.bulkhead.work(argument.x);
	}

	@Benchmark
	public int oursFallback(States.Ours context, States.Argument argument) {
		return context.fallback.work(argument.x);
	}

	@Benchmark
	public int oursStack(States.Ours context, States.Argument argument) {
		return context.stack.work(argument.x);
	}

	@Benchmark
	public int resilience4jCircuitBreaker(States.Resilience4j context, States.Argument argument) {
		return context.circuitBreaker.work(argument.x);
	}

	@Benchmark
	public int resilience4jRetry(States.Resilience4j context, States.Argument argument) {
		return context.retry.work(argument.x);
	}

	@Benchmark
	public int resilience4jBulkhead(States.Resilience4j context, States.Argument argument) {
		return context.bulkhead.work(argument.x);
	}

	@Benchmark
	public int resilience4jStack(States.Resilience4j context, States.Argument argument) {
		return context.stack.work(argument.x);
	}

	@Benchmark
	public Integer floorMono(States.Floor context, States.Argument argument) {
		return context.floor.workMono(argument.x).block();
	}

	@Benchmark
	public int oursTimeout(States.OursTimeLimits context, States.Argument argument) {
		return context.timeout.work(argument.x);
	}

	@Benchmark
	public int oursRateLimiter(States.OursTimeLimits context, States.Argument argument) {
		return context.rateLimiter.work(argument.x);
	}

	@Benchmark
	public Integer oursMono(States.OursMono context, States.Argument argument) {
		return context.mono.work(argument.x).block();
	}

	/**
	 * The work on the common pool, the caller waiting for it: {@code @TimeLimiter} as
	 * used.
	 */
	@Benchmark
	public int resilience4jTimeLimiter(States.Resilience4jTimeLimits context, States.Argument argument) {
		return context.timeLimiter.work(argument.x).join();
	}

	/** Its aspect alone, on a future complete before it is returned. */
	@Benchmark
	public int resilience4jTimeLimiterCompleted(States.Resilience4jTimeLimits context, States.Argument argument) {
		return context.timeLimiterCompleted.work(argument.x).join();
	}

	@Benchmark
	public int resilience4jRateLimiter(States.Resilience4jTimeLimits context, States.Argument argument) {
		return context.rateLimiter.work(argument.x);
	}

	@Benchmark
	public Integer resilience4jMono(States.Resilience4jMono context, States.Argument argument) {
		return context.mono.work(argument.x).block();
	}

	@Benchmark
	public int springRetry(States.SpringRetry context, States.Argument argument) {
		return context.retry.work(argument.x);
	}

}
