package dev.resilience.spring.actuate;

import java.util.Objects;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.resilience.ResilienceRegistry;

/**
 * Permits of the rate limiters of a {@link ResilienceRegistry} (Boot 4 line), with the
 * details of {@link ResilienceHealth#rateLimiters}. Always {@code UP}: a rate limiter
 * without permits is doing its job. Thread-safe.
 */
public class RateLimitersHealthIndicator implements HealthIndicator {

	private final ResilienceRegistry registry;

	public RateLimitersHealthIndicator(ResilienceRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	@Override
	public Health health() {
		return Health.up().withDetails(ResilienceHealth.rateLimiters(this.registry)).build();
	}

}
