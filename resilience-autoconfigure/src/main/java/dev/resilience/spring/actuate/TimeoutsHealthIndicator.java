package dev.resilience.spring.actuate;

import java.util.Objects;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import dev.resilience.ResilienceRegistry;

/**
 * Configuration of the timeouts of a {@link ResilienceRegistry} (Boot 3.5 line), with the
 * details of {@link ResilienceHealth#timeouts}. Always {@code UP}: a timeout that fires
 * is doing its job. Thread-safe.
 */
public class TimeoutsHealthIndicator implements HealthIndicator {

	private final ResilienceRegistry registry;

	public TimeoutsHealthIndicator(ResilienceRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	@Override
	public Health health() {
		return Health.up().withDetails(ResilienceHealth.timeouts(this.registry)).build();
	}

}
