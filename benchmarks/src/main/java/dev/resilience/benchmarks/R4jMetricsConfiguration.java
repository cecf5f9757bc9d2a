package dev.resilience.benchmarks;

import io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadAutoConfiguration;
import io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadMetricsAutoConfiguration;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerMetricsAutoConfiguration;
import io.github.resilience4j.springboot3.ratelimiter.autoconfigure.RateLimiterAutoConfiguration;
import io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration;
import io.github.resilience4j.springboot3.retry.autoconfigure.RetryMetricsAutoConfiguration;
import io.github.resilience4j.springboot3.timelimiter.autoconfigure.TimeLimiterAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link R4jConfiguration}'s auto-configurations and its breaker, retry, bulkhead and
 * stack beans, plus the same Prometheus registry as {@link OursMetricsConfiguration} (by
 * Boot's own metrics auto-configurations) and resilience4j-spring-boot3's Micrometer
 * auto-configurations for those three patterns, as a user with Actuator gets them: they
 * publish each instance's meters to the registry as the instance is created.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ AopAutoConfiguration.class, CircuitBreakerAutoConfiguration.class,
		RetryAutoConfiguration.class, BulkheadAutoConfiguration.class, TimeLimiterAutoConfiguration.class,
		RateLimiterAutoConfiguration.class, MetricsAutoConfiguration.class,
		PrometheusMetricsExportAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
		CompositeMeterRegistryAutoConfiguration.class, CircuitBreakerMetricsAutoConfiguration.class,
		RetryMetricsAutoConfiguration.class, BulkheadMetricsAutoConfiguration.class })
class R4jMetricsConfiguration {

	@Bean
	Beans.R4jCircuitBreaker r4jCircuitBreaker() {
		return new Beans.R4jCircuitBreaker();
	}

	@Bean
	Beans.R4jRetry r4jRetry() {
		return new Beans.R4jRetry();
	}

	@Bean
	Beans.R4jBulkhead r4jBulkhead() {
		return new Beans.R4jBulkhead();
	}

	@Bean
	Beans.R4jStack r4jStack() {
		return new Beans.R4jStack();
	}

}
