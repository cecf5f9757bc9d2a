package dev.resilience.benchmarks;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Ticker;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.spring.bulkhead.NetflixLimitAlgorithms;

/**
 * One successful synchronous call through the engine's bulkheads, in nanoseconds: the
 * semaphore bulkhead against the adaptive one with each of its Netflix-backed algorithms
 * (two ticker reads and one sample under the algorithm's monitor per call). No Spring
 * proxy, so the difference is the bulkheads' alone.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class AdaptiveBulkheadBenchmarks {

	private static final CheckedFunction<Integer, Integer> WORK = (x) -> x + 1;

	@Param({ "gradient2", "vegas", "aimd" })
	public String algorithm;

	private Bulkhead semaphore;

	private Bulkhead adaptive;

	private int x;

	@Setup(Level.Trial)
	public void setUp() {
		this.semaphore = Bulkhead.of("semaphore", BulkheadConfig.custom().maxConcurrentCalls(25).build());
		BulkheadConfig config = BulkheadConfig.custom()
			.type(BulkheadConfig.Type.ADAPTIVE)
			.algorithm(BulkheadConfig.Algorithm.valueOf(this.algorithm.toUpperCase(Locale.ROOT)))
			.build();
		this.adaptive = Bulkhead.of("adaptive", config, ContextPropagator.NONE, Ticker.system(),
				new NetflixLimitAlgorithms());
	}

	@Benchmark
	public Integer semaphore() throws Throwable {
		return this.semaphore.execute(WORK, this.x++);
	}

	@Benchmark
	public Integer adaptive() throws Throwable {
		return this.adaptive.execute(WORK, this.x++);
	}

}
