package dev.resilience.spring.autoconfigure;

import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.ResilienceRegistry;
import dev.resilience.spring.observation.ResilienceEventCounterDescriptions;
import dev.resilience.spring.observation.ResilienceObservationEvents;

/**
 * Retries, circuit breaker transitions and refusals, fallbacks, bulkhead and rate limiter
 * refusals, timeouts, hedges and chaos injections as events on the current Micrometer
 * observation (span events with Micrometer Tracing), when the application has an
 * {@link ObservationRegistry} bean and {@code resilience.observation.enabled} is not
 * {@code false}. Without one nothing is created and no listener is added to any instance.
 * The bean is also a {@code FallbackListener}, so the pipelines tell it of fallbacks.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class, afterName = {
		// Boot 3.5
		"org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
		// Boot 4
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ ObservationRegistry.class, ResilienceRegistry.class })
@ConditionalOnProperty(prefix = "resilience.observation", name = "enabled", matchIfMissing = true)
public class ResilienceObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ResilienceObservationEvents resilienceObservationEvents(ObservationRegistry observations,
			ResilienceRegistry registry) {
		ResilienceObservationEvents events = new ResilienceObservationEvents(observations);
		registry.addListener(events);
		// As a ChaosListener bean (and a FallbackListener bean), it is attached to every
		// chaos instance (and told of every fallback) like any other listener bean.
		return events;
	}

	/**
	 * Descriptions for the counters Micrometer's meter observation handler makes of the
	 * events, when Micrometer's meters are on the classpath.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterFilter.class)
	static class EventCounters {

		@Bean
		ResilienceEventCounterDescriptions resilienceEventCounterDescriptions() {
			return new ResilienceEventCounterDescriptions();
		}

	}

}
