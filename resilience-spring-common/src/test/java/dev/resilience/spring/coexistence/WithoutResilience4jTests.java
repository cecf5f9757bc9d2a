package dev.resilience.spring.coexistence;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Retry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceHealthAutoConfiguration;
import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without resilience4j on the classpath nothing about it is said or done, even with
 * leftover {@code resilience4j.*} properties naming the starter's instances: no startup
 * line, no coexistence bean, the health contributors under their usual names.
 */
@ExtendWith(OutputCaptureExtension.class)
class WithoutResilience4jTests {

	private static final Class<?> INDICATOR = BootLine.type(BootLine.HEALTH_INDICATOR);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withClassLoader(new FilteredClassLoader("io.github.resilience4j"))
		.withConfiguration(
				AutoConfigurations.of(ResilienceAutoConfiguration.class, ResilienceHealthAutoConfiguration.class))
		.withUserConfiguration(Clients.class)
		.withPropertyValues("resilience4j.circuitbreaker.instances.inventory.sliding-window-size=10",
				"resilience4j.retry.instances.shipping.max-attempts=2",
				"management.health.circuitbreakers.enabled=true",
				"resilience.circuit-breaker.instances.inventory.sliding-window-size=40");

	@Test
	void nothingIsSaidAndTheHealthNamesAreTheUsualOnes(CapturedOutput output) {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(Resilience4jCoexistence.class);
			assertThat(context.getBean(ResilienceRegistry.class).findCircuitBreaker("inventory")).isPresent();
			assertThat(context.getBeansOfType(INDICATOR)).containsOnlyKeys("circuitBreakersHealthIndicator",
					"retriesHealthIndicator", "bulkheadsHealthIndicator", "rateLimitersHealthIndicator",
					"timeoutsHealthIndicator");
		});
		assertThat(output.getAll()).doesNotContain("resilience4j").doesNotContain(" WARN ");
	}

	@Configuration(proxyBeanMethods = false)
	static class Clients {

		@Bean
		ShippingClient shippingClient() {
			return new ShippingClient();
		}

	}

	/**
	 * Public: the proxy class is defined by the filtered class loader, outside this
	 * class's package at run time.
	 */
	public static class ShippingClient {

		@Retry(name = "shipping")
		@CircuitBreaker(name = "inventory")
		public String ship(String parcel) {
			return parcel;
		}

	}

}
