package dev.resilience.benchmarks;

import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceMetricsAutoConfiguration;

/**
 * {@link OursConfiguration}'s auto-configurations and its breaker, retry, bulkhead and
 * stack beans, plus metrics as an application with Actuator and Prometheus gets them:
 * Boot's own metrics auto-configurations make the {@code PrometheusMeterRegistry} and
 * bind every {@code MeterBinder} bean to it, among them the {@code ResilienceMeterBinder}
 * of our metrics auto-configuration. The simple registry's auto-configuration is imported
 * because an application has it too; it backs off, as there is a registry already.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ AopAutoConfiguration.class, JacksonAutoConfiguration.class,
		ResilienceAutoConfiguration.class, ResilienceIdempotencyAutoConfiguration.class, MetricsAutoConfiguration.class,
		PrometheusMetricsExportAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
		CompositeMeterRegistryAutoConfiguration.class, ResilienceMetricsAutoConfiguration.class })
class OursMetricsConfiguration {

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
	Beans.OursStack oursStack() {
		return new Beans.OursStack();
	}

}
