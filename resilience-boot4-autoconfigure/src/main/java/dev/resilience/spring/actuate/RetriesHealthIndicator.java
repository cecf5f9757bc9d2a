package dev.resilience.spring.actuate;

import java.util.Objects;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.resilience.ResilienceRegistry;

/**
 * Counters of the retries of a {@link ResilienceRegistry} (Boot 4 line), with the details
 * of {@link ResilienceHealth#retries}. Always {@code UP}: retries describe the past, not
 * whether this application can serve. Thread-safe.
 */
public class RetriesHealthIndicator implements HealthIndicator {

	private final ResilienceRegistry registry;

	public RetriesHealthIndicator(ResilienceRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	@Override
	public Health health() {
		return Health.up().withDetails(ResilienceHealth.retries(this.registry)).build();
	}

}
