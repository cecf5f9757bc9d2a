package dev.resilience.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import dev.resilience.ResilienceRegistry;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.ThreadPoolBulkhead;

/**
 * Occupancy of the bulkheads of a {@link ResilienceRegistry}, semaphore and thread-pool alike,
 * one detail per bulkhead keyed by its name: {@code availableConcurrentCalls} and
 * {@code maxConcurrentCalls}. Always {@code UP}: a full bulkhead is doing its job.
 * Thread-safe.
 */
public class BulkheadsHealthIndicator implements HealthIndicator {

	private final ResilienceRegistry registry;

	public BulkheadsHealthIndicator(ResilienceRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	@Override
	public Health health() {
		Map<String, Object> details = new TreeMap<>();
		for (Bulkhead bulkhead : this.registry.getBulkheads()) {
			details.put(bulkhead.getName(), details(bulkhead.getMetrics()));
		}
		for (ThreadPoolBulkhead bulkhead : this.registry.getThreadPoolBulkheads()) {
			details.put(bulkhead.getName(), details(bulkhead.getMetrics()));
		}
		return Health.up().withDetails(details).build();
	}

	private static Map<String, Object> details(Bulkhead.Metrics metrics) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("availableConcurrentCalls", metrics.getAvailableConcurrentCalls());
		details.put("maxConcurrentCalls", metrics.getMaxAllowedConcurrentCalls());
		return details;
	}

}
