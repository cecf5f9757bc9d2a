package dev.resilience.benchmarks;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;

/**
 * Our starter's annotation support, as a user gets it, without Actuator and metrics (no
 * meter registry in any context, so neither library pays for metrics); idempotency with
 * the default in-memory store.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ AopAutoConfiguration.class, JacksonAutoConfiguration.class,
		ResilienceAutoConfiguration.class, ResilienceIdempotencyAutoConfiguration.class })
class OursConfiguration {

	@Bean
	Beans.OursCircuitBreaker oursCircuitBreaker() {
		return new Beans.OursCircuitBreaker();
	}

	@Bean
	Beans.OursRetry oursRetry() {
		return new Beans.OursRetry();
	}

	@Bean
	Beans.OursBulkhead oursBulkhead() {
		return new Beans.OursBulkhead();
	}

	@Bean
	Beans.OursFallback oursFallback() {
		return new Beans.OursFallback();
	}

	@Bean
	Beans.OursStack oursStack() {
		return new Beans.OursStack();
	}

	@Bean
	Beans.OursIdempotent oursIdempotent() {
		return new Beans.OursIdempotent();
	}

	@Bean
	Beans.OursTimeout oursTimeout() {
		return new Beans.OursTimeout();
	}

	@Bean
	Beans.OursRateLimiter oursRateLimiter() {
		return new Beans.OursRateLimiter();
	}

}
