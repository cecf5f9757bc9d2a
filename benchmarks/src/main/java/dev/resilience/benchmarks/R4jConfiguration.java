package dev.resilience.benchmarks;

import io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadAutoConfiguration;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * resilience4j-spring-boot3's annotation support for the three patterns measured (its
 * core auto-configurations and their aspects, as a user gets them), without its
 * Micrometer, health indicator and stream-events auto-configurations.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ AopAutoConfiguration.class, CircuitBreakerAutoConfiguration.class,
		RetryAutoConfiguration.class, BulkheadAutoConfiguration.class })
class R4jConfiguration {

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
