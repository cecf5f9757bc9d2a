package dev.resilience.spring.autoconfigure;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;

import dev.resilience.ResilienceRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of live reconfiguration: present with Spring Cloud Context, absent without it,
 * and driven by the keys of an {@link EnvironmentChangeEvent}.
 */
class ResilienceRefreshAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ResilienceAutoConfiguration.class, ResilienceRefreshAutoConfiguration.class))
		.withPropertyValues("resilience.retry.instances.inventory.max-attempts=2");

	@Test
	void reconfiguresOnAnEnvironmentChangeEventWithSpringCloudContext() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ResilienceReconfigurer.class);
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			assertThat(registry.retry("inventory").getConfig().getMaxAttempts()).isEqualTo(2);
			TestPropertyValues.of("resilience.retry.instances.inventory.max-attempts=5").applyTo(context);
			context.publishEvent(
					new EnvironmentChangeEvent(context, Set.of("resilience.retry.instances.inventory.max-attempts")));
			assertThat(registry.retry("inventory").getConfig().getMaxAttempts()).isEqualTo(5);
		});
	}

	@Test
	void backsOffWithoutSpringCloudContext() {
		this.runner.withClassLoader(new FilteredClassLoader(EnvironmentChangeEvent.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ResilienceReconfigurer.class)
				.hasSingleBean(CurrentResilienceConfigurations.class));
	}

	@Test
	void keysOutsideResilienceAreIgnoredWithoutBinding() {
		this.runner.run((context) -> {
			ResilienceReconfigurer reconfigurer = context.getBean(ResilienceReconfigurer.class);
			ResilienceReconfigurer.Outcome outcome = reconfigurer.reconfigure(List.of("server.port", "resilient"));
			assertThat(outcome.reconfigured()).isEmpty();
			assertThat(outcome.refused()).isFalse();
		});
	}

	@Test
	void keysInOtherFormsNameTheSameInstance() {
		this.runner.withPropertyValues("resilience.retry.instances.inventory.max-attempts=3").run((context) -> {
			ResilienceReconfigurer reconfigurer = context.getBean(ResilienceReconfigurer.class);
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			ResilienceReconfigurer.Outcome outcome = reconfigurer
				.reconfigure(List.of("resilience.retry.instances.inventory.maxAttempts"));
			assertThat(outcome.reconfigured()).containsExactly("retry 'inventory'");
			assertThat(registry.retry("inventory").getConfig().getMaxAttempts()).isEqualTo(3);
		});
	}

	@Test
	void hedgeAndIdempotencyKeysNeedARestart() {
		this.runner.run((context) -> {
			ResilienceReconfigurer reconfigurer = context.getBean(ResilienceReconfigurer.class);
			ResilienceReconfigurer.Outcome outcome = reconfigurer.reconfigure(List.of("resilience.hedge.defaults.delay",
					"resilience.idempotency.store", "resilience.circuit-breaker.defaults.adaptive-slow-call.enabled",
					"resilience.rate-limiter.instances.orders.scope"));
			assertThat(outcome.refusals()).containsExactly("resilience.hedge.defaults.delay needs a restart to apply",
					"resilience.idempotency.store needs a restart to apply",
					"resilience.circuit-breaker.defaults.adaptive-slow-call.enabled needs a restart to apply",
					"resilience.rate-limiter.instances.orders.scope needs a restart to apply");
		});
	}

}
