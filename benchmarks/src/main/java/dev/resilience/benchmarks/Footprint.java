package dev.resilience.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryRegistry;
import org.openjdk.jol.info.GraphLayout;

import dev.resilience.ResilienceRegistry;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.retry.RetryConfig;

/**
 * Heap retained per circuit breaker, retry and bulkhead, ours and resilience4j's, with
 * the benchmark settings ({@link Contexts#settings()}: a count-based window of 100 calls,
 * 3 attempts with exponential backoff, 25 concurrent calls), on each library's core API
 * without Spring. Each kind is measured as a difference: the registry's object graph
 * (JOL) before and after it creates {@link #INSTANCES} instances of new names, divided by
 * their number; so an instance's share of the registry's map counts, and what all
 * instances share (a configuration, the clock) does not.
 * <p>
 * Usage: {@code Footprint <footprint.json>}; writes
 * {@code [{"library":"ours","kind":"circuitbreaker","bytesPerInstance":...}, ...]} and
 * prints a summary. JOL may print a warning that it could not attach to the JVM; it needs
 * no agent to measure sizes.
 */
public final class Footprint {

	static final int INSTANCES = 1000;

	private Footprint() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length != 1) {
			throw new IllegalArgumentException("usage: Footprint <footprint.json>");
		}
		// Lets JOL read the field offsets of lambdas (hidden classes), which the JDK's
		// Unsafe refuses; the registries hold configuration functions as lambdas.
		if (System.getProperty("jol.magicFieldOffset") == null) {
			System.setProperty("jol.magicFieldOffset", "true");
		}
		List<Map<String, Object>> rows = new ArrayList<>();

		// One configuration object per kind, shared by every instance, as in
		// resilience4j's registries below.
		CircuitBreakerConfig circuitBreaker = oursCircuitBreaker();
		RetryConfig retry = oursRetry();
		BulkheadConfig bulkhead = oursBulkhead();
		ResilienceRegistry ours = ResilienceRegistry.builder()
			.circuitBreakerConfigs((name) -> circuitBreaker)
			.retryConfigs((name) -> retry)
			.bulkheadConfigs((name) -> bulkhead)
			.build();
		rows.add(row("ours", "circuitbreaker", perInstance(ours, ours::circuitBreaker)));
		rows.add(row("ours", "retry", perInstance(ours, ours::retry)));
		rows.add(row("ours", "bulkhead", perInstance(ours, ours::bulkhead)));

		CircuitBreakerRegistry r4jBreakers = CircuitBreakerRegistry.of(r4jCircuitBreaker());
		RetryRegistry r4jRetries = RetryRegistry.of(r4jRetry());
		BulkheadRegistry r4jBulkheads = BulkheadRegistry.of(r4jBulkhead());
		rows.add(row("resilience4j", "circuitbreaker", perInstance(r4jBreakers, r4jBreakers::circuitBreaker)));
		rows.add(row("resilience4j", "retry", perInstance(r4jRetries, r4jRetries::retry)));
		rows.add(row("resilience4j", "bulkhead", perInstance(r4jBulkheads, r4jBulkheads::bulkhead)));

		new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(Path.of(args[0]).toFile(), rows);
		System.out.println("Bytes retained per instance (" + INSTANCES + " instances of each kind):");
		for (String kind : List.of("circuitbreaker", "retry", "bulkhead")) {
			long own = bytes(rows, "ours", kind);
			long theirs = bytes(rows, "resilience4j", kind);
			System.out.println(String.format(Locale.ROOT, "  %-15s ours %6d B   resilience4j %6d B   ratio %.2f", kind,
					own, theirs, (double) own / theirs));
		}
	}

	/**
	 * One instance of a throwaway name is created first, so that what the first instance
	 * sets up for all (a map's table, a lazily created shared object) is not counted
	 * against the measured ones.
	 */
	static long perInstance(Object registry, Function<String, ?> create) {
		create.apply("warm-up");
		long before = GraphLayout.parseInstance(registry).totalSize();
		for (int i = 0; i < INSTANCES; i++) {
			String name = "instance" + i;
			Object instance = create.apply(name);
			if (create.apply(name) != instance) {
				throw new IllegalStateException("the registry did not keep the instance named " + name
						+ ", so its graph does not hold what is measured");
			}
		}
		long after = GraphLayout.parseInstance(registry).totalSize();
		if (after <= before) {
			throw new IllegalStateException(
					"the registry's graph did not grow: " + before + " B, then " + after + " B");
		}
		return Math.round((after - before) / (double) INSTANCES);
	}

	static CircuitBreakerConfig oursCircuitBreaker() {
		return CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(100)
			.minimumNumberOfCalls(20)
			.failureRateThreshold(50)
			.waitDurationInOpenState(Duration.ofSeconds(60))
			.permittedNumberOfCallsInHalfOpenState(10)
			.slowCallDurationThreshold(Duration.ofSeconds(60))
			.slowCallRateThreshold(100)
			.build();
	}

	static RetryConfig oursRetry() {
		return RetryConfig.custom()
			.maxAttempts(3)
			.waitDuration(Duration.ofMillis(200))
			.backoff(RetryConfig.Backoff.EXPONENTIAL)
			.multiplier(2.0)
			.build();
	}

	static BulkheadConfig oursBulkhead() {
		return BulkheadConfig.custom().maxConcurrentCalls(25).maxWaitDuration(Duration.ZERO).build();
	}

	static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig r4jCircuitBreaker() {
		return io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
			.slidingWindowType(io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(100)
			.minimumNumberOfCalls(20)
			.failureRateThreshold(50)
			.waitDurationInOpenState(Duration.ofSeconds(60))
			.permittedNumberOfCallsInHalfOpenState(10)
			.slowCallDurationThreshold(Duration.ofSeconds(60))
			.slowCallRateThreshold(100)
			.build();
	}

	static io.github.resilience4j.retry.RetryConfig r4jRetry() {
		return io.github.resilience4j.retry.RetryConfig.custom()
			.maxAttempts(3)
			.intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(200), 2.0))
			.build();
	}

	static io.github.resilience4j.bulkhead.BulkheadConfig r4jBulkhead() {
		return io.github.resilience4j.bulkhead.BulkheadConfig.custom()
			.maxConcurrentCalls(25)
			.maxWaitDuration(Duration.ZERO)
			.build();
	}

	private static Map<String, Object> row(String library, String kind, long bytesPerInstance) {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("library", library);
		row.put("kind", kind);
		row.put("bytesPerInstance", bytesPerInstance);
		row.put("instances", INSTANCES);
		return row;
	}

	private static long bytes(List<Map<String, Object>> rows, String library, String kind) {
		return rows.stream()
			.filter((row) -> row.get("library").equals(library) && row.get("kind").equals(kind))
			.mapToLong((row) -> (long) row.get("bytesPerInstance"))
			.findFirst()
			.orElseThrow();
	}

}
