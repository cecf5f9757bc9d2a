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
 * {@code resilience.health.<key>.enabled=false} ({@code circuit-breakers},
 * {@code retries}, {@code bulkheads}, {@code rate-limiters}, {@code timeouts}; unset
 * follows {@code management.health.defaults.enabled}). The status an open breaker reports
 * comes from {@code resilience.health.circuit-open-status}.
 * <p>
 * resilience4j's Spring Boot module names its indicators {@code circuitBreakers} and
 * {@code rateLimiters} too, when {@code management.health.circuitbreakers.enabled} or
 * {@code management.health.ratelimiters.enabled} turns them on. This configuration runs
 * after resilience4j's, and where one of its indicators has taken the name, contributes
 * this starter's as {@code resilienceCircuitBreakers} or {@code resilienceRateLimiters}
 * instead, so that both libraries show.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class, afterName = {
		"io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakersHealthIndicatorAutoConfiguration",
		"io.github.resilience4j.springboot.ratelimiter.autoconfigure.RateLimitersHealthIndicatorAutoConfiguration" })
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(ResilienceRegistry.class)
public class ResilienceHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "circuitBreakersHealthIndicator")
	@ConditionalOnResilienceHealthContributor("circuit-breakers")
	CircuitBreakersHealthIndicator circuitBreakersHealthIndicator(ResilienceRegistry registry,
			ResilienceProperties properties) {
		return new CircuitBreakersHealthIndicator(registry, status(properties.getHealth().getCircuitOpenStatus()));
	}

	@Bean
	@ConditionalOnResilience4jBean("circuitBreakersHealthIndicator")
	@ConditionalOnMissingBean(name = "resilienceCircuitBreakersHealthIndicator")
	@ConditionalOnResilienceHealthContributor("circuit-breakers")
	CircuitBreakersHealthIndicator resilienceCircuitBreakersHealthIndicator(ResilienceRegistry registry,
			ResilienceProperties properties) {
		return new CircuitBreakersHealthIndicator(registry, status(properties.getHealth().getCircuitOpenStatus()));
	}

	@Bean
	@ConditionalOnMissingBean(name = "retriesHealthIndicator")
	@ConditionalOnResilienceHealthContributor("retries")
	RetriesHealthIndicator retriesHealthIndicator(ResilienceRegistry registry) {
		return new RetriesHealthIndicator(registry);
	}

	@Bean
	@ConditionalOnMissingBean(name = "bulkheadsHealthIndicator")
	@ConditionalOnResilienceHealthContributor("bulkheads")
	BulkheadsHealthIndicator bulkheadsHealthIndicator(ResilienceRegistry registry) {
		return new BulkheadsHealthIndicator(registry);
	}

	@Bean
	@ConditionalOnMissingBean(name = "rateLimitersHealthIndicator")
	@ConditionalOnResilienceHealthContributor("rate-limiters")
	RateLimitersHealthIndicator rateLimitersHealthIndicator(ResilienceRegistry registry) {
		return new RateLimitersHealthIndicator(registry);
	}

	@Bean
	@ConditionalOnResilience4jBean("rateLimitersHealthIndicator")
	@ConditionalOnMissingBean(name = "resilienceRateLimitersHealthIndicator")
	@ConditionalOnResilienceHealthContributor("rate-limiters")
	RateLimitersHealthIndicator resilienceRateLimitersHealthIndicator(ResilienceRegistry registry) {
		return new RateLimitersHealthIndicator(registry);
	}

	@Bean
	@ConditionalOnMissingBean(name = "timeoutsHealthIndicator")
	@ConditionalOnResilienceHealthContributor("timeouts")
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
