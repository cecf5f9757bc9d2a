package dev.resilience.spring.actuate;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.ResilienceRegistry;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceHealthAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Boot 4 line's health contributors: Boot 4's health API
 * ({@code org.springframework.boot.health.contributor}) and its enablement condition, with the
 * same names, keys and details as on the Boot 3.5 line.
 */
class ResilienceHealthAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ResilienceAutoConfiguration.class, ResilienceHealthAutoConfiguration.class));

	@Test
	void contributesThreeIndicatorsNamedForTheirComponents() {
		this.runner.run((context) -> assertThat(context.getBeansOfType(HealthIndicator.class)).containsOnlyKeys(
				"circuitBreakersHealthIndicator", "retriesHealthIndicator", "bulkheadsHealthIndicator"));
	}

	@Test
	void eachContributorIsTurnedOffByItsOwnKey() {
		this.runner.withPropertyValues("management.health.circuitbreakers.enabled=false")
			.run((context) -> assertThat(context.getBeansOfType(HealthIndicator.class))
				.containsOnlyKeys("retriesHealthIndicator", "bulkheadsHealthIndicator"));
		this.runner.withPropertyValues("management.health.retries.enabled=false", "management.health.bulkheads.enabled=false")
			.run((context) -> assertThat(context.getBeansOfType(HealthIndicator.class))
				.containsOnlyKeys("circuitBreakersHealthIndicator"));
	}

	@Test
	void defaultsKeyTurnsThemAllOff() {
		this.runner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HealthIndicator.class));
	}

	@Test
	void backsOffWhenTheApplicationDefinesAnIndicatorOfTheSameName() {
		this.runner.withUserConfiguration(UserIndicator.class)
			.run((context) -> assertThat(context.getBean("circuitBreakersHealthIndicator"))
				.isSameAs(UserIndicator.INDICATOR));
	}

	@Test
	void withoutActuatorThereIsNoIndicator() {
		this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(CircuitBreakersHealthIndicator.class)
				.hasSingleBean(ResilienceRegistry.class));
	}

	@Test
	void withoutTheHealthEnablementConditionThereIsNoIndicator() {
		this.runner.withClassLoader(new FilteredClassLoader(ConditionalOnEnabledHealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(HealthIndicator.class)
				.hasSingleBean(ResilienceRegistry.class));
	}

	@Test
	void openBreakerLeavesTheComponentUpByDefaultAndShowsItInDetails() {
		this.runner.run((context) -> {
			context.getBean(ResilienceRegistry.class).circuitBreaker("inventory").transitionToOpenState();

			Health health = context.getBean(CircuitBreakersHealthIndicator.class).health();

			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsOnlyKeys("inventory");
			assertThat(detailsOf(health, "inventory")).containsEntry("state", "OPEN");
		});
	}

	@Test
	void configuredStatusIsReportedWhileABreakerIsOpenOrForcedOpen() {
		this.runner.withPropertyValues("resilience.health.circuit-open-status=down").run((context) -> {
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			HealthIndicator indicator = context.getBean(CircuitBreakersHealthIndicator.class);
			CircuitBreaker breaker = registry.circuitBreaker("inventory");
			registry.circuitBreaker("other");
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

			breaker.transitionToOpenState();
			assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);

			breaker.transitionToForcedOpenState();
			assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);

			breaker.transitionToHalfOpenState();
			assertThat(indicator.health().getStatus()).as("half-open lets trial calls through").isEqualTo(Status.UP);

			breaker.transitionToDisabledState();
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void outOfServiceAndCircuitOpenAreAccepted() {
		this.runner.withPropertyValues("resilience.health.circuit-open-status=out-of-service").run((context) -> {
			context.getBean(ResilienceRegistry.class).circuitBreaker("inventory").transitionToForcedOpenState();
			assertThat(context.getBean(CircuitBreakersHealthIndicator.class).health().getStatus())
				.isEqualTo(Status.OUT_OF_SERVICE);
		});
		this.runner.withPropertyValues("resilience.health.circuit-open-status=CIRCUIT_OPEN").run((context) -> {
			context.getBean(ResilienceRegistry.class).circuitBreaker("inventory").transitionToForcedOpenState();
			assertThat(context.getBean(CircuitBreakersHealthIndicator.class).health().getStatus().getCode())
				.isEqualTo("CIRCUIT_OPEN");
		});
	}

	@Test
	void retriesAndBulkheadsDetailEveryInstanceWithItsCounts() {
		this.runner.withPropertyValues("resilience.bulkhead.instances.narrow.max-concurrent-calls=2",
				"resilience.retry.instances.inventory.max-attempts=1")
			.run((context) -> {
				ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
				registry.bulkhead("narrow").acquirePermission();
				registry.retry("inventory").executeSupplier(() -> "ok");

				Health bulkheads = context.getBean(BulkheadsHealthIndicator.class).health();
				Health retries = context.getBean(RetriesHealthIndicator.class).health();

				assertThat(detailsOf(bulkheads, "narrow")).isEqualTo(
						Map.of("availableConcurrentCalls", 1, "maxConcurrentCalls", 2));
				assertThat(detailsOf(retries, "inventory")).containsEntry("successfulWithoutRetry", 1L)
					.containsEntry("retryAttempts", 0L)
					.containsOnlyKeys("successfulWithoutRetry", "successfulWithRetry", "failedWithRetry",
							"failedWithoutRetry", "retryAttempts", "budgetExhausted");
			});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> detailsOf(Health health, String name) {
		return (Map<String, Object>) health.getDetails().get(name);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserIndicator {

		static final HealthIndicator INDICATOR = () -> Health.up().build();

		@Bean
		HealthIndicator circuitBreakersHealthIndicator() {
			return INDICATOR;
		}

	}

}
