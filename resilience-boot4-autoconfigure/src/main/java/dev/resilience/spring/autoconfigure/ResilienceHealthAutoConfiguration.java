package dev.resilience.spring.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

import dev.resilience.ResilienceRegistry;
import dev.resilience.spring.actuate.BulkheadsHealthIndicator;
import dev.resilience.spring.actuate.CircuitBreakersHealthIndicator;
import dev.resilience.spring.actuate.RateLimitersHealthIndicator;
import dev.resilience.spring.actuate.RetriesHealthIndicator;
import dev.resilience.spring.actuate.TimeoutsHealthIndicator;
import dev.resilience.spring.autoconfigure.ResilienceProperties.Health.CircuitOpenStatus;

/**
 * Health contributors {@code circuitBreakers}, {@code retries}, {@code bulkheads},
 * {@code rateLimiters} and {@code timeouts}, each switched off by
 * {@code management.health.<name>.enabled=false} ({@code circuitbreakers},
 * {@code retries}, {@code bulkheads}, {@code ratelimiters}, {@code timeouts}). The status
 * an open breaker reports comes from {@code resilience.health.circuit-open-status}.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(ResilienceRegistry.class)
public class ResilienceHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "circuitBreakersHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("circuitbreakers")
	CircuitBreakersHealthIndicator circuitBreakersHealthIndicator(ResilienceRegistry registry,
			ResilienceProperties properties) {
		return new CircuitBreakersHealthIndicator(registry, status(properties.getHealth().getCircuitOpenStatus()));
	}

	@Bean
	@ConditionalOnMissingBean(name = "retriesHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("retries")
	RetriesHealthIndicator retriesHealthIndicator(ResilienceRegistry registry) {
		return new RetriesHealthIndicator(registry);
	}

	@Bean
	@ConditionalOnMissingBean(name = "bulkheadsHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("bulkheads")
	BulkheadsHealthIndicator bulkheadsHealthIndicator(ResilienceRegistry registry) {
		return new BulkheadsHealthIndicator(registry);
	}

	@Bean
	@ConditionalOnMissingBean(name = "rateLimitersHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("ratelimiters")
	RateLimitersHealthIndicator rateLimitersHealthIndicator(ResilienceRegistry registry) {
		return new RateLimitersHealthIndicator(registry);
	}

	@Bean
	@ConditionalOnMissingBean(name = "timeoutsHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("timeouts")
	TimeoutsHealthIndicator timeoutsHealthIndicator(ResilienceRegistry registry) {
		return new TimeoutsHealthIndicator(registry);
	}

	private static Status status(CircuitOpenStatus status) {
		return switch (status) {
			case UP -> Status.UP;
			case DOWN -> Status.DOWN;
			case OUT_OF_SERVICE -> Status.OUT_OF_SERVICE;
			case CIRCUIT_OPEN -> CircuitBreakersHealthIndicator.CIRCUIT_OPEN;
		};
	}

}
