package dev.resilience.spring.actuate;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.ResilienceRegistry;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceHealthAutoConfiguration;
import dev.resilience.spring.testsupport.BootLine;
import dev.resilience.spring.testsupport.BootLine.HealthView;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health contributors, on both lines: each line's own health API (Boot 4 moved it to
 * {@code org.springframework.boot.health.contributor}) through {@link BootLine}, with the
 * same names, keys, statuses and details.
 */
class ResilienceHealthAutoConfigurationTests {

	private static final Class<?> INDICATOR = BootLine.type(BootLine.HEALTH_INDICATOR);

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ResilienceAutoConfiguration.class, ResilienceHealthAutoConfiguration.class));

	@Test
	void contributesFiveIndicatorsNamedForTheirComponents() {
		this.runner.run((context) -> assertThat(context.getBeansOfType(INDICATOR)).containsOnlyKeys(
				"circuitBreakersHealthIndicator", "retriesHealthIndicator", "bulkheadsHealthIndicator",
				"rateLimitersHealthIndicator", "timeoutsHealthIndicator"));
	}

	@Test
	void eachContributorIsTurnedOffByItsOwnKey() {
		this.runner.withPropertyValues("resilience.health.circuit-breakers.enabled=false")
			.run((context) -> assertThat(context.getBeansOfType(INDICATOR)).containsOnlyKeys("retriesHealthIndicator",
					"bulkheadsHealthIndicator", "rateLimitersHealthIndicator", "timeoutsHealthIndicator"));
		this.runner
			.withPropertyValues("resilience.health.retries.enabled=false", "resilience.health.bulkheads.enabled=false",
					"resilience.health.rate-limiters.enabled=false", "resilience.health.timeouts.enabled=false")
			.run((context) -> assertThat(context.getBeansOfType(INDICATOR))
				.containsOnlyKeys("circuitBreakersHealthIndicator"));
		this.runner.withPropertyValues("resilience.health.rate-limiters.enabled=false")
			.run((context) -> assertThat(context.getBeansOfType(INDICATOR))
				.doesNotContainKey("rateLimitersHealthIndicator")
				.containsKey("timeoutsHealthIndicator"));
		this.runner.withPropertyValues("resilience.health.timeouts.enabled=false")
			.run((context) -> assertThat(context.getBeansOfType(INDICATOR)).doesNotContainKey("timeoutsHealthIndicator")
				.containsKey("rateLimitersHealthIndicator"));
	}

	@Test
	void theManagementHealthKeysThatResilience4jReadsLeaveTheStartersContributorsOn() {
		this.runner
			.withPropertyValues("management.health.circuitbreakers.enabled=false",
					"management.health.ratelimiters.enabled=false", "management.health.retries.enabled=false",
					"management.health.bulkheads.enabled=false", "management.health.timeouts.enabled=false")
			.run((context) -> assertThat(context.getBeansOfType(INDICATOR)).containsOnlyKeys(
					"circuitBreakersHealthIndicator", "retriesHealthIndicator", "bulkheadsHealthIndicator",
					"rateLimitersHealthIndicator", "timeoutsHealthIndicator"));
	}

	@Test
	void anOwnKeyWinsOverTheDefaultsKeyBothWays() {
		this.runner
			.withPropertyValues("management.health.defaults.enabled=false", "resilience.health.retries.enabled=true")
			.run((context) -> assertThat(context.getBeansOfType(INDICATOR)).containsOnlyKeys("retriesHealthIndicator"));
		this.runner
			.withPropertyValues("management.health.defaults.enabled=true", "resilience.health.retries.enabled=false")
			.run((context) -> assertThat(context.getBeansOfType(INDICATOR)).doesNotContainKey("retriesHealthIndicator")
				.containsKey("bulkheadsHealthIndicator"));
	}

	@Test
	void aSwitchThatIsNotABooleanFailsStartupNamingTheKey() {
		this.runner.withPropertyValues("resilience.health.circuit-breakers.enabled=sometimes")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("sometimes"));
	}

	@Test
	void defaultsKeyTurnsThemAllOff() {
		this.runner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(INDICATOR));
	}

	@Test
	void backsOffWhenTheApplicationDefinesAnIndicatorOfTheSameName() {
		this.runner.withUserConfiguration(UserIndicator.class)
			.run((context) -> assertThat(context.getBean("circuitBreakersHealthIndicator"))
				.isSameAs(UserIndicator.INDICATOR));
	}

	@Test
	void withoutActuatorThereIsNoIndicator() {
		this.runner.withClassLoader(new FilteredClassLoader(BootLine.HEALTH_INDICATOR))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(CircuitBreakersHealthIndicator.class)
				.hasSingleBean(ResilienceRegistry.class));
	}

	@Test
	void withoutTheHealthEnablementConditionThereIsNoIndicator() {
		this.runner.withClassLoader(new FilteredClassLoader(BootLine.HEALTH_ENABLEMENT_CONDITION))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(INDICATOR)
				.hasSingleBean(ResilienceRegistry.class));
	}

	@Test
	void openBreakerLeavesTheComponentUpByDefaultAndShowsItInDetails() {
		this.runner.run((context) -> {
			context.getBean(ResilienceRegistry.class).circuitBreaker("inventory").transitionToOpenState();

			HealthView health = health(context.getBean(CircuitBreakersHealthIndicator.class));

			assertThat(health.status()).isEqualTo("UP");
			assertThat(health.details()).containsOnlyKeys("inventory");
			assertThat(detailsOf(health, "inventory")).containsEntry("state", "OPEN");
		});
	}

	@Test
	void configuredStatusIsReportedWhileABreakerIsOpenOrForcedOpen() {
		this.runner.withPropertyValues("resilience.health.circuit-open-status=down").run((context) -> {
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			CircuitBreakersHealthIndicator indicator = context.getBean(CircuitBreakersHealthIndicator.class);
			CircuitBreaker breaker = registry.circuitBreaker("inventory");
			registry.circuitBreaker("other");
			assertThat(health(indicator).status()).isEqualTo("UP");

			breaker.transitionToOpenState();
			assertThat(health(indicator).status()).isEqualTo("DOWN");

			breaker.transitionToForcedOpenState();
			assertThat(health(indicator).status()).isEqualTo("DOWN");

			breaker.transitionToHalfOpenState();
			assertThat(health(indicator).status()).as("half-open lets trial calls through").isEqualTo("UP");

			breaker.transitionToDisabledState();
			assertThat(health(indicator).status()).isEqualTo("UP");
		});
	}

	@Test
	void outOfServiceAndCircuitOpenAreAccepted() {
		this.runner.withPropertyValues("resilience.health.circuit-open-status=out-of-service").run((context) -> {
			context.getBean(ResilienceRegistry.class).circuitBreaker("inventory").transitionToForcedOpenState();
			assertThat(health(context.getBean(CircuitBreakersHealthIndicator.class)).status())
				.isEqualTo("OUT_OF_SERVICE");
		});
		this.runner.withPropertyValues("resilience.health.circuit-open-status=CIRCUIT_OPEN").run((context) -> {
			context.getBean(ResilienceRegistry.class).circuitBreaker("inventory").transitionToForcedOpenState();
			assertThat(health(context.getBean(CircuitBreakersHealthIndicator.class)).status())
				.isEqualTo("CIRCUIT_OPEN");
		});
	}

	@Test
	void retriesAndBulkheadsDetailEveryInstanceWithItsCounts() {
		this.runner
			.withPropertyValues("resilience.bulkhead.instances.narrow.max-concurrent-calls=2",
					"resilience.retry.instances.inventory.max-attempts=1")
			.run((context) -> {
				ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
				registry.bulkhead("narrow").acquirePermission();
				registry.retry("inventory").executeSupplier(() -> "ok");

				HealthView bulkheads = health(context.getBean(BulkheadsHealthIndicator.class));
				HealthView retries = health(context.getBean(RetriesHealthIndicator.class));

				assertThat(detailsOf(bulkheads, "narrow"))
					.isEqualTo(Map.of("availableConcurrentCalls", 1, "maxConcurrentCalls", 2, "limit", 2));
				assertThat(detailsOf(retries, "inventory")).containsEntry("successfulWithoutRetry", 1L)
					.containsEntry("retryAttempts", 0L)
					.containsOnlyKeys("successfulWithoutRetry", "successfulWithRetry", "failedWithRetry",
							"failedWithoutRetry", "retryAttempts", "budgetExhausted");
			});
	}

	@Test
	void rateLimitersDetailTheirPermitsAndTimeoutsTheirConfiguration() {
		this.runner
			.withPropertyValues("resilience.rate-limiter.instances.orders.limit-for-period=3",
					"resilience.rate-limiter.instances.orders.limit-refresh-period=1m",
					"resilience.timeout.instances.inventory.duration=250ms",
					"resilience.timeout.instances.inventory.interrupt=false")
			.run((context) -> {
				ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
				assertThat(registry.rateLimiter("orders").tryAcquirePermission()).isTrue();

				HealthView rateLimiters = health(context.getBean(RateLimitersHealthIndicator.class));
				HealthView timeouts = health(context.getBean(TimeoutsHealthIndicator.class));

				assertThat(rateLimiters.status()).isEqualTo("UP");
				assertThat(detailsOf(rateLimiters, "orders")).isEqualTo(Map.of("availablePermissions", 2,
						"limitForPeriod", 3, "limitRefreshPeriod", "60s", "scope", "instance"));
				assertThat(timeouts.status()).isEqualTo("UP");
				assertThat(detailsOf(timeouts, "inventory")).isEqualTo(Map.of("duration", "250ms", "interrupt", false));
			});
	}

	@Test
	void aRateLimiterWithoutPermitsLeavesItsComponentUp() {
		this.runner
			.withPropertyValues("resilience.rate-limiter.instances.orders.limit-for-period=1",
					"resilience.rate-limiter.instances.orders.limit-refresh-period=1h")
			.run((context) -> {
				ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
				assertThat(registry.rateLimiter("orders").tryAcquirePermission()).isTrue();
				assertThat(registry.rateLimiter("orders").tryAcquirePermission()).isFalse();

				HealthView rateLimiters = health(context.getBean(RateLimitersHealthIndicator.class));

				assertThat(rateLimiters.status()).isEqualTo("UP");
				assertThat(detailsOf(rateLimiters, "orders")).containsEntry("availablePermissions", 0);
			});
	}

	private static HealthView health(Object indicator) {
		return BootLine.health(indicator);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> detailsOf(HealthView health, String name) {
		return (Map<String, Object>) health.details().get(name);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserIndicator {

		static final Object INDICATOR = BootLine.upHealthIndicator();

		@Bean
		Object circuitBreakersHealthIndicator() {
			return INDICATOR;
		}

	}

}
