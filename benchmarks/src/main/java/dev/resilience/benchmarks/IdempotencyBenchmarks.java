package dev.resilience.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@code @Idempotent} replay with the in-memory store: every measured call repeats a key
 * whose result is stored, so the method never runs; the cost is the key, the fingerprint
 * of the arguments, the store read and the result read back from JSON.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class IdempotencyBenchmarks {

	static final String KEY = "order-42";

	@Benchmark
	public int replay(States.Ours context) {
		return context.idempotent.work(KEY, 1);
	}

}
