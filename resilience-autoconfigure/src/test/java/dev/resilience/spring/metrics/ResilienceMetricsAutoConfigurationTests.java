package dev.resilience.spring.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.ResilienceRegistry;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.fallback.FallbackListener;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceMetricsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class ResilienceMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class, ResilienceMetricsAutoConfiguration.class));

	private final ApplicationContextRunner withMetrics = this.runner.withConfiguration(AutoConfigurations.of(
			MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
			CompositeMeterRegistryAutoConfiguration.class));

	@Test
	void bindsInstancesCreatedBeforeAndAfterTheMeterRegistryIsReady() {
		this.withMetrics.withUserConfiguration(EarlyBreaker.class).run((context) -> {
			assertThat(context).hasSingleBean(ResilienceMeterBinder.class).hasSingleBean(FallbackListener.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			context.getBean(ResilienceRegistry.class).retry("late");

			assertThat(meters.get("resilience.circuitbreaker.state").tag("name", "early").tag("state", "closed")
				.gauge().value()).isEqualTo(1.0);
			assertThat(meters.get("resilience.retry.attempts").tag("name", "late").functionCounter().count())
				.isZero();
		});
	}

	@Test
	void fallbackListenerCountsFallbacks() {
		this.withMetrics.run((context) -> {
			context.getBean(FallbackListener.class).onFallback("InventoryClient.reserve", new IllegalStateException());

			assertThat(context.getBean(MeterRegistry.class).get("resilience.fallback.calls")
				.tag("method", "InventoryClient.reserve").tag("exception", "IllegalStateException")
				.counter().count()).isEqualTo(1.0);
		});
	}

	@Test
	void withoutAMeterRegistryNothingIsBoundAndNoFallbackListenerExists() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(ResilienceMeterBinder.class)
			.doesNotHaveBean(FallbackListener.class));
	}

	@Test
	void withoutMicrometerNothingIsBound() {
		this.withMetrics.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ResilienceMeterBinder.class));
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnBinderOrFallbackListener() {
		this.withMetrics.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context.getBean(ResilienceMeterBinder.class)).isSameAs(context.getBean("userBinder"));
			assertThat(context.getBean(FallbackListener.class)).isSameAs(UserBeans.LISTENER);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class EarlyBreaker {

		@Bean
		CircuitBreaker early(ResilienceRegistry registry) {
			return registry.circuitBreaker("early");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		static final FallbackListener LISTENER = (method, failure) -> {
		};

		@Bean
		ResilienceMeterBinder userBinder(ResilienceRegistry registry) {
			return new ResilienceMeterBinder(registry);
		}

		@Bean
		FallbackListener userFallbackListener() {
			return LISTENER;
		}

	}

}
