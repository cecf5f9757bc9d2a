package dev.resilience.spring.autoconfigure;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilience.circuitbreaker.CircuitBreakerConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The breaker's {@code adaptive-slow-call.*} keys: bound over two layers like the others,
 * and a value out of range fails startup naming the key, even when the feature is off.
 */
class AdaptiveSlowCallPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|',
			textBlock = """
					resilience.circuit-breaker.defaults.adaptive-slow-call.quantile                | 0      | must be in (0, 1)
					resilience.circuit-breaker.defaults.adaptive-slow-call.quantile                | 1      | must be in (0, 1)
					resilience.circuit-breaker.instances.inventory.adaptive-slow-call.quantile     | 1.5    | must be in (0, 1)
					resilience.circuit-breaker.instances.inventory.adaptive-slow-call.quantile     | -0.5   | must be in (0, 1)
					resilience.circuit-breaker.defaults.adaptive-slow-call.factor                  | 1      | must be a finite number above 1.0
					resilience.circuit-breaker.instances.inventory.adaptive-slow-call.factor       | 0.5    | must be a finite number above 1.0
					resilience.circuit-breaker.defaults.adaptive-slow-call.min-threshold           | 0ms    | must be a positive duration
					resilience.circuit-breaker.instances.inventory.adaptive-slow-call.min-threshold | -100ms | must be a positive duration
					""")
	void valueOutOfRangeFailsStartupNamingTheKey(String property, String value, String requirement) {
		this.runner
			.withPropertyValues("resilience.circuit-breaker.defaults.adaptive-slow-call.enabled=true",
					property + "=" + value)
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidResiliencePropertyException invalid = FailureReports.findCause(context.getStartupFailure(),
						InvalidResiliencePropertyException.class);
				assertThat(invalid.getPropertyName()).isEqualTo(property);
				assertThat(invalid.getMessage()).startsWith("Invalid value '").endsWith("': " + requirement);
				FailureAnalysis analysis = FailureReports.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'" + property + "'").contains(requirement);
			});
	}

	@Test
	void keysAreCheckedEvenWhenTheFeatureIsOff() {
		String property = "resilience.circuit-breaker.instances.inventory.adaptive-slow-call.factor";
		this.runner.withPropertyValues(property + "=1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureReports.findCause(context.getStartupFailure(), InvalidResiliencePropertyException.class)
				.getPropertyName()).isEqualTo(property);
		});
	}

	@Test
	void instanceInheritsTheKeysItLeavesUnsetFromDefaults() {
		ResilienceConfigurations configurations = configurations(
				Map.of("resilience.circuit-breaker.defaults.adaptive-slow-call.enabled", "true",
						"resilience.circuit-breaker.defaults.adaptive-slow-call.factor", "4",
						"resilience.circuit-breaker.instances.inventory.adaptive-slow-call.quantile", "0.95",
						"resilience.circuit-breaker.instances.inventory.adaptive-slow-call.min-threshold", "50ms",
						"resilience.circuit-breaker.instances.payments.adaptive-slow-call.enabled", "false"));
		CircuitBreakerConfig inventory = configurations.circuitBreaker("inventory");
		assertThat(inventory.isAdaptiveSlowCallEnabled()).isTrue();
		assertThat(inventory.getAdaptiveSlowCallFactor()).isEqualTo(4.0);
		assertThat(inventory.getAdaptiveSlowCallQuantile()).isEqualTo(0.95);
		assertThat(inventory.getAdaptiveSlowCallMinThreshold()).isEqualTo(Duration.ofMillis(50));
		assertThat(configurations.circuitBreaker("payments").isAdaptiveSlowCallEnabled()).isFalse();
		CircuitBreakerConfig other = configurations.circuitBreaker("other");
		assertThat(other.isAdaptiveSlowCallEnabled()).isTrue();
		assertThat(other.getAdaptiveSlowCallQuantile())
			.isEqualTo(CircuitBreakerConfig.DEFAULT_ADAPTIVE_SLOW_CALL_QUANTILE);
		assertThat(other.getAdaptiveSlowCallMinThreshold())
			.isEqualTo(CircuitBreakerConfig.DEFAULT_ADAPTIVE_SLOW_CALL_MIN_THRESHOLD);
	}

	@Test
	void unsetKeysGiveTheEngineDefaults() {
		CircuitBreakerConfig config = configurations(Map.of()).circuitBreaker("any");
		assertThat(config.isAdaptiveSlowCallEnabled()).isFalse();
		assertThat(config.getAdaptiveSlowCallQuantile()).isEqualTo(0.99);
		assertThat(config.getAdaptiveSlowCallFactor()).isEqualTo(3.0);
		assertThat(config.getAdaptiveSlowCallMinThreshold()).isEqualTo(Duration.ofMillis(100));
	}

	@Test
	void aQuantileThatIsNotANumberFailsBinding() {
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(
				() -> configurations(Map.of("resilience.circuit-breaker.defaults.adaptive-slow-call.quantile", "p99")));
	}

	private static ResilienceConfigurations configurations(Map<String, String> values) {
		ResilienceProperties properties = new Binder(new MapConfigurationPropertySource(values))
			.bindOrCreate("resilience", ResilienceProperties.class);
		return new ResilienceConfigurations(properties);
	}

}
