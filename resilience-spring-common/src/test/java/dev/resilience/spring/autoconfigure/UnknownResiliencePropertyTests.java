package dev.resilience.spring.autoconfigure;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An unknown key anywhere under {@code resilience.} fails startup, and the report names
 * it: typos, pattern keys placed without their {@code defaults:} or {@code instances:}
 * level, typos inside a map-valued {@code instances.<name>} entry and in nested groups.
 */
class UnknownResiliencePropertyTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "resilience.circuit-breaker.defaults.failure-rate-treshold",
			"resilience.circuit-breaker.failure-rate-threshold",
			"resilience.circuit-breaker.instances.inventory.failure-rate-treshold",
			"resilience.retry.defaults.budget.ratioo", "resilience.retry.max-attempts",
			"resilience.retry.instances.inventory.budget.ratioo", "resilience.bulkhead.defaults.thread-pool.core",
			"resilience.bulkhead.instances.recommendations.thread-pool.core",
			"resilience.idempotency.instances.payments.tll", "resilience.idempotency.ttl",
			"resilience.idempotency.memory.max-size", "resilience.health.status", "resilience.actuator.enabled",
			"resilience.bogus" })
	void unknownKeyFailsStartupNamingTheKey(String key) {
		this.runner.withPropertyValues(key + "=1").run((context) -> {
			assertThat(context).hasFailed();
			UnboundConfigurationPropertiesException unbound = FailureReports.findCause(context.getStartupFailure(),
					UnboundConfigurationPropertiesException.class);
			assertThat(unbound.getUnboundProperties()).extracting(ConfigurationProperty::getName)
				.extracting(Object::toString)
				.containsExactly(key);
			FailureAnalysis analysis = FailureReports.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: " + key)
				.contains("The elements [" + key + "] were left unbound");
		});
	}

}
