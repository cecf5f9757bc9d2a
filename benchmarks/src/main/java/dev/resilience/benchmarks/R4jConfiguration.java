package dev.resilience.benchmarks;

import io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadAutoConfiguration;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.ratelimiter.autoconfigure.RateLimiterAutoConfiguration;
import io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration;
import io.github.resilience4j.springboot3.timelimiter.autoconfigure.TimeLimiterAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * resilience4j-spring-boot3's annotation support for the patterns measured (its core
 * auto-configurations and their aspects, as a user gets them), without its Micrometer,
 * health indicator and stream-events auto-configurations. resilience4j-reactor is on the
 * classpath, so its aspects also handle {@code Mono} methods.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ AopAutoConfiguration.class, CircuitBreakerAutoConfiguration.class,
		RetryAutoConfiguration.class, BulkheadAutoConfiguration.class, TimeLimiterAutoConfiguration.class,
		RateLimiterAutoConfiguration.class })
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

	@Bean
	Beans.R4jTimeLimiter r4jTimeLimiter() {
		return new Beans.R4jTimeLimiter();
	}

	@Bean
	Beans.R4jTimeLimiterCompleted r4jTimeLimiterCompleted() {
		return new Beans.R4jTimeLimiterCompleted();
	}

	@Bean
	Beans.R4jRateLimiter r4jRateLimiter() {
		return new Beans.R4jRateLimiter();
	}

	@Bean
	Beans.R4jMono r4jMono() {
		return new Beans.R4jMono();
	}

}
