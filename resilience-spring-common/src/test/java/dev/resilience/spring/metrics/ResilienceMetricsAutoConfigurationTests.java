package dev.resilience.spring.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.Fallback;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.fallback.FallbackListener;
import dev.resilience.idempotency.IdempotencyListener;
import dev.resilience.idempotency.IdempotencyOutcome;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceMetricsAutoConfiguration;
import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;

class ResilienceMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ResilienceAutoConfiguration.class, ResilienceMetricsAutoConfiguration.class));

	private final ApplicationContextRunner withMetrics = this.runner
		.withConfiguration(AutoConfigurations.of(BootLine.type(BootLine.METRICS),
				BootLine.type(BootLine.SIMPLE_METRICS_EXPORT), BootLine.type(BootLine.COMPOSITE_METER_REGISTRY)));

	@Test
	void bindsInstancesCreatedBeforeAndAfterTheMeterRegistryIsReady() {
		this.withMetrics.withUserConfiguration(EarlyBreaker.class).run((context) -> {
			assertThat(context).hasSingleBean(ResilienceMeterBinder.class).hasSingleBean(FallbackListener.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			context.getBean(ResilienceRegistry.class).retry("late");

			assertThat(meters.get("resilience.circuitbreaker.state")
				.tag("name", "early")
				.tag("state", "closed")
				.gauge()
				.value()).isEqualTo(1.0);
			assertThat(meters.get("resilience.retry.attempts").tag("name", "late").functionCounter().count()).isZero();
		});
	}

	@Test
	void fallbackListenerCountsFallbacks() {
		this.withMetrics.run((context) -> {
			context.getBean(FallbackListener.class).onFallback("InventoryClient.reserve", new IllegalStateException());

			assertThat(context.getBean(MeterRegistry.class)
				.get("resilience.fallback.calls")
				.tag("method", "InventoryClient.reserve")
				.tag("exception", "IllegalStateException")
				.counter()
				.count()).isEqualTo(1.0);
		});
	}

	@Test
	void withoutAMeterRegistryNothingIsBoundAndNoFallbackListenerExists() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(ResilienceMeterBinder.class)
			.doesNotHaveBean(FallbackListener.class)
			.doesNotHaveBean(IdempotencyListener.class));
	}

	@Test
	void withoutMicrometerNothingIsBound() {
		// Without Micrometer, Boot's own metrics auto-configuration is absent too (on
		// Boot 4 it lives in a module that needs Micrometer and fails to start when only
		// Micrometer is hidden).
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ResilienceMeterBinder.class));
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnBinder() {
		this.withMetrics.withUserConfiguration(UserBeans.class)
			.run((context) -> assertThat(context.getBean(ResilienceMeterBinder.class))
				.isSameAs(context.getBean("userBinder")));
	}

	@Test
	void applicationFallbackListenersAreToldAsWellAsTheMetrics() {
		this.withMetrics.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context.getBeansOfType(FallbackListener.class)).containsOnlyKeys("resilienceFallbackMetrics",
					"userFallbackListener");
			UserBeans.TOLD.clear();

			assertThat(context.getBean(Flaky.class).call()).isEqualTo("fallback");

			assertThat(UserBeans.TOLD).containsExactly("Flaky.call");
			assertThat(context.getBean(MeterRegistry.class)
				.get("resilience.fallback.calls")
				.tag("method", "Flaky.call")
				.tag("exception", "IllegalStateException")
				.counter()
				.count()).isEqualTo(1.0);
		});
	}

	@Test
	void idempotencyOutcomesReportedByTheEngineAreCounted() {
		this.withMetrics.run((context) -> {
			context.getBean(IdempotencyListener.class).onOutcome("payments", IdempotencyOutcome.KEY_REUSED);

			assertThat(context.getBean(MeterRegistry.class)
				.get("resilience.idempotency.calls")
				.tag("name", "payments")
				.tag("outcome", "key_reused")
				.counter()
				.count()).isEqualTo(1.0);
		});
	}

	/** Always fails; its fallback answers. */
	public static class Flaky {

		@Fallback(method = "recover")
		public String call() {
			throw new IllegalStateException("down");
		}

		String recover() {
			return "fallback";
		}

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

		static final List<String> TOLD = new CopyOnWriteArrayList<>();

		static final FallbackListener LISTENER = (method, failure) -> TOLD.add(method);

		@Bean
		Flaky flaky() {
			return new Flaky();
		}

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
