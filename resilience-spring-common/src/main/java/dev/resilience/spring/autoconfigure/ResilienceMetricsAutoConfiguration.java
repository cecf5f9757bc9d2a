package dev.resilience.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.resilience.ResilienceRegistry;
import dev.resilience.chaos.ChaosRegistry;
import dev.resilience.fallback.FallbackListener;
import dev.resilience.idempotency.IdempotencyListener;
import dev.resilience.spring.metrics.ChaosMeterBinder;
import dev.resilience.spring.metrics.ResilienceMeterBinder;

/**
 * Micrometer meters of every resilience instance, bound to the application's meter
 * registries (any of them, Prometheus or not) by Spring Boot as a {@code MeterBinder}, a
 * {@link FallbackListener} that counts fallbacks and an {@link IdempotencyListener} that
 * counts idempotent calls by outcome; listeners the application defines are told as well.
 * Without a {@link MeterRegistry} bean nothing is created and no listener is added to any
 * instance.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class, afterName = {
		// Boot 3.5
		"org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
		// Boot 4
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, ResilienceRegistry.class })
public class ResilienceMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ResilienceMeterBinder resilienceMeterBinder(ResilienceRegistry registry) {
		return new ResilienceMeterBinder(registry);
	}

	@Bean
	@ConditionalOnMissingBean(name = "resilienceFallbackMetrics")
	FallbackListener resilienceFallbackMetrics(ResilienceMeterBinder binder) {
		return binder::recordFallback;
	}

	@Bean
	@ConditionalOnMissingBean(name = "resilienceIdempotencyMetrics")
	IdempotencyListener resilienceIdempotencyMetrics(ResilienceMeterBinder binder) {
		return binder::recordIdempotencyOutcome;
	}

	/** {@code resilience.chaos.injections}, when chaos is enabled. */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ChaosRegistry.class)
	ChaosMeterBinder resilienceChaosMeterBinder(ChaosRegistry chaos) {
		return new ChaosMeterBinder(chaos);
	}

}
