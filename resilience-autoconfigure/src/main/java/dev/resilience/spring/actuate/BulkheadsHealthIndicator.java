package dev.resilience.spring.actuate;

import java.util.Objects;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import dev.resilience.ResilienceRegistry;

/**
 * Occupancy of the bulkheads of a {@link ResilienceRegistry} (Boot 3.5 line), with the
 * details of {@link ResilienceHealth#bulkheads}. Always {@code UP}: a full bulkhead is
 * doing its job. Thread-safe.
 */
public class BulkheadsHealthIndicator implements HealthIndicator {

	private final ResilienceRegistry registry;

	public BulkheadsHealthIndicator(ResilienceRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	@Override
	public Health health() {
		return Health.up().withDetails(ResilienceHealth.bulkheads(this.registry)).build();
	}

}
