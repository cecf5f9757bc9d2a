package dev.resilience.spring.autoconfigure;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every value out of range fails startup with an
 * {@link InvalidResiliencePropertyException} naming the full property and what would be
 * accepted, and the startup report says the same.
 */
class ResiliencePropertiesValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|',
			textBlock = """
					resilience.circuit-breaker.defaults.failure-rate-threshold                                   | 0      | 0      | must be in (0, 100]
					resilience.circuit-breaker.instances.inventory.failure-rate-threshold                        | 150    | 150    | must be in (0, 100]
					resilience.circuit-breaker.defaults.slow-call-rate-threshold                                 | 100.5  | 100.5  | must be in (0, 100]
					resilience.circuit-breaker.defaults.sliding-window-size                                      | 0      | 0      | must be at least 1
					resilience.circuit-breaker.instances.inventory.minimum-number-of-calls                       | 0      | 0      | must be at least 1
					resilience.circuit-breaker.defaults.consecutive-failure-threshold                            | -1     | -1     | must be at least 0
					resilience.circuit-breaker.defaults.slow-call-duration-threshold                             | 0ms    | 0ms    | must be a positive duration
					resilience.circuit-breaker.instances.inventory.wait-duration-in-open-state                   | -1s    | -1s    | must be a positive duration
					resilience.circuit-breaker.instances.inventory.permitted-number-of-calls-in-half-open-state  | 0      | 0      | must be at least 1
					resilience.circuit-breaker.defaults.max-wait-duration-in-half-open-state                     | -1s    | -1s    | must not be a negative duration
					resilience.retry.defaults.max-attempts                                                       | 0      | 0      | must be at least 1
					resilience.retry.instances.inventory.wait-duration                                           | -5ms   | -5ms   | must not be a negative duration
					resilience.retry.defaults.multiplier                                                         | 0.5    | 0.5    | must be a finite number of at least 1.0
					resilience.retry.defaults.budget.ratio                                                       | 1.5    | 1.5    | must be in (0, 1]
					resilience.retry.instances.inventory.budget.ratio                                            | 0      | 0      | must be in (0, 1]
					resilience.retry.defaults.budget.min-retries-per-second                                      | -1     | -1     | must be at least 0
					resilience.retry.instances.inventory.budget.window                                           | 500ms  | 500ms  | must be at least 1s
					resilience.bulkhead.defaults.max-concurrent-calls                                            | 0      | 0      | must be at least 1
					resilience.bulkhead.instances.recommendations.max-wait-duration                              | -1ms   | -1ms   | must not be a negative duration
					resilience.bulkhead.defaults.thread-pool.core-size                                           | 0      | 0      | must be at least 1
					resilience.bulkhead.instances.recommendations.thread-pool.queue-capacity                     | -1     | -1     | must be at least 0
					resilience.bulkhead.defaults.thread-pool.keep-alive                                          | -20s   | -20s   | must not be a negative duration
					resilience.rate-limiter.defaults.limit-for-period                                            | 0      | 0      | must be at least 1
					resilience.rate-limiter.instances.orders.limit-for-period                                    | -5     | -5     | must be at least 1
					resilience.rate-limiter.defaults.limit-refresh-period                                        | 0s     | 0ms    | must be a positive duration
					resilience.rate-limiter.instances.orders.limit-refresh-period                                | -1s    | -1s    | must be a positive duration
					resilience.rate-limiter.defaults.timeout-duration                                            | -1ms   | -1ms   | must not be a negative duration
					resilience.rate-limiter.instances.orders.timeout-duration                                    | -2s    | -2s    | must not be a negative duration
					resilience.timeout.defaults.duration                                                         | 0ms    | 0ms    | must be a positive duration
					resilience.timeout.instances.inventory.duration                                              | -1s    | -1s    | must be a positive duration
					resilience.idempotency.max-key-length                                                        | 0      | 0      | must be at least 1
					resilience.idempotency.memory.maximum-size                                                   | 0      | 0      | must be at least 1
					resilience.idempotency.memory.maximum-memory                                                 | 100B   | 100B   | must be at least 512B (one record's overhead)
					resilience.idempotency.defaults.ttl                                                          | 0s     | 0ms    | must be a positive duration
					resilience.idempotency.instances.payments.in-progress-timeout                                | -60s   | -1m    | must be a positive duration
					resilience.idempotency.defaults.in-progress-wait                                             | -1s    | -1s    | must not be a negative duration
					resilience.idempotency.instances[PaymentService.charge].ttl                                  | 0ms    | 0ms    | must be a positive duration
					""")
	void valueOutOfRangeFailsStartupNamingPropertyAndRange(String property, String value, String shownValue,
			String requirement) {
		String expected = "Invalid value '" + shownValue + "' for '" + property + "': " + requirement;
		this.runner.withPropertyValues(property + "=" + value).run(failsWith(property, expected));
	}

	/**
	 * Rules between keys are the engine's; each is reported on the property of the layer
	 * that set the offending value, worded in property names, whether it was set in
	 * {@code defaults} or in an instance.
	 */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					resilience.circuit-breaker.defaults.minimum-number-of-calls=101                                     | resilience.circuit-breaker.defaults.minimum-number-of-calls                       | 101     | must not exceed sliding-window-size (100) when sliding-window-type is count-based, or the breaker could never open
					resilience.circuit-breaker.instances.inventory.minimum-number-of-calls=101                          | resilience.circuit-breaker.instances.inventory.minimum-number-of-calls            | 101     | must not exceed sliding-window-size (100) when sliding-window-type is count-based, or the breaker could never open
					resilience.circuit-breaker.defaults.sliding-window-size=10                                          | resilience.circuit-breaker.defaults.sliding-window-size                           | 10      | must be at least minimum-number-of-calls (20) when sliding-window-type is count-based
					resilience.circuit-breaker.instances.inventory.sliding-window-size=10                               | resilience.circuit-breaker.instances.inventory.sliding-window-size                | 10      | must be at least minimum-number-of-calls (20) when sliding-window-type is count-based
					resilience.circuit-breaker.defaults.sliding-window-type=time-based;resilience.circuit-breaker.defaults.sliding-window-size=3601                | resilience.circuit-breaker.defaults.sliding-window-size       | 3601    | must be at most 3600 (seconds) when sliding-window-type is time-based
					resilience.circuit-breaker.instances.inventory.sliding-window-type=time-based;resilience.circuit-breaker.instances.inventory.sliding-window-size=3601 | resilience.circuit-breaker.instances.inventory.sliding-window-size | 3601 | must be at most 3600 (seconds) when sliding-window-type is time-based
					resilience.circuit-breaker.defaults.sliding-window-size=1000001                                     | resilience.circuit-breaker.defaults.sliding-window-size                           | 1000001 | must be at most 1000000 when sliding-window-type is count-based
					resilience.circuit-breaker.instances.inventory.sliding-window-size=1000001                          | resilience.circuit-breaker.instances.inventory.sliding-window-size                | 1000001 | must be at most 1000000 when sliding-window-type is count-based
					resilience.circuit-breaker.defaults.permitted-number-of-calls-in-half-open-state=1000001            | resilience.circuit-breaker.defaults.permitted-number-of-calls-in-half-open-state  | 1000001 | must be at most 1000000
					resilience.circuit-breaker.instances.inventory.permitted-number-of-calls-in-half-open-state=1000001 | resilience.circuit-breaker.instances.inventory.permitted-number-of-calls-in-half-open-state | 1000001 | must be at most 1000000
					resilience.retry.defaults.max-wait-duration=100ms                                                   | resilience.retry.defaults.max-wait-duration                                       | 100ms   | must not be shorter than wait-duration (200ms)
					resilience.retry.instances.inventory.max-wait-duration=100ms                                        | resilience.retry.instances.inventory.max-wait-duration                            | 100ms   | must not be shorter than wait-duration (200ms)
					resilience.retry.defaults.wait-duration=20s                                                         | resilience.retry.defaults.wait-duration                                           | 20s     | must not be longer than max-wait-duration (10s)
					resilience.retry.instances.inventory.wait-duration=20s                                              | resilience.retry.instances.inventory.wait-duration                                | 20s     | must not be longer than max-wait-duration (10s)
					resilience.retry.defaults.budget.ratio=1.5                                                          | resilience.retry.defaults.budget.ratio                                            | 1.5     | must be in (0, 1]
					resilience.retry.instances.inventory.budget.ratio=0                                                 | resilience.retry.instances.inventory.budget.ratio                                 | 0       | must be in (0, 1]
					resilience.retry.defaults.budget.min-retries-per-second=-1                                          | resilience.retry.defaults.budget.min-retries-per-second                           | -1      | must be at least 0
					resilience.retry.instances.inventory.budget.min-retries-per-second=-1                               | resilience.retry.instances.inventory.budget.min-retries-per-second                | -1      | must be at least 0
					resilience.retry.defaults.budget.window=999ms                                                       | resilience.retry.defaults.budget.window                                           | 999ms   | must be at least 1s
					resilience.retry.instances.inventory.budget.window=500ms                                            | resilience.retry.instances.inventory.budget.window                                | 500ms   | must be at least 1s
					resilience.bulkhead.defaults.thread-pool.max-size=2                                                 | resilience.bulkhead.defaults.thread-pool.max-size                                 | 2       | must not be smaller than thread-pool.core-size (4)
					resilience.bulkhead.instances.recommendations.thread-pool.max-size=2                                | resilience.bulkhead.instances.recommendations.thread-pool.max-size                | 2       | must not be smaller than thread-pool.core-size (4)
					resilience.bulkhead.defaults.thread-pool.core-size=10                                               | resilience.bulkhead.defaults.thread-pool.core-size                                | 10      | must not be larger than thread-pool.max-size (8)
					resilience.bulkhead.instances.recommendations.thread-pool.core-size=10                              | resilience.bulkhead.instances.recommendations.thread-pool.core-size               | 10      | must not be larger than thread-pool.max-size (8)
					""")
	void ruleBetweenKeysNamesThePropertyOfTheLayerThatSetTheValue(String values, String property, String shownValue,
			String requirement) {
		this.runner.withPropertyValues(values.split(";"))
			.run(failsWith(property, "Invalid value '" + shownValue + "' for '" + property + "': " + requirement));
	}

	@Test
	void instanceWhoseOwnKeysBreakAValueItInheritsNamesTheDefaultsPropertyAndTheInstance() {
		this.runner
			.withPropertyValues("resilience.circuit-breaker.defaults.sliding-window-type=time-based",
					"resilience.circuit-breaker.defaults.sliding-window-size=10",
					"resilience.circuit-breaker.instances.inventory.sliding-window-type=count-based")
			.run((context) -> {
				failsWith("resilience.circuit-breaker.defaults.sliding-window-size",
						"Invalid value '10' for 'resilience.circuit-breaker.defaults.sliding-window-size' as inherited "
								+ "by 'resilience.circuit-breaker.instances.inventory': must be at least "
								+ "minimum-number-of-calls (20) when sliding-window-type is count-based")
					.accept(context);
				InvalidResiliencePropertyException invalid = FailureReports.findCause(context.getStartupFailure(),
						InvalidResiliencePropertyException.class);
				assertThat(invalid.getInheritedBy()).isEqualTo("resilience.circuit-breaker.instances.inventory");
				assertThat(FailureReports.analyze(context.getStartupFailure()).getAction()).endsWith(
						"Or set 'resilience.circuit-breaker.instances.inventory.sliding-window-size' to override the "
								+ "inherited value for that instance alone.");
			});
	}

	@Test
	void instanceTurningAnInheritedWindowTimeBasedNamesTheInheritedWindowSize() {
		this.runner
			.withPropertyValues("resilience.circuit-breaker.defaults.sliding-window-size=5000",
					"resilience.circuit-breaker.instances[Inventory.reserve].sliding-window-type=time-based")
			.run(failsWith("resilience.circuit-breaker.defaults.sliding-window-size",
					"Invalid value '5000' for 'resilience.circuit-breaker.defaults.sliding-window-size' as inherited by "
							+ "'resilience.circuit-breaker.instances[Inventory.reserve]': must be at most 3600 (seconds) "
							+ "when sliding-window-type is time-based"));
	}

	@Test
	void valueSetInTheInstanceIsNotReportedAsInherited() {
		this.runner.withPropertyValues("resilience.retry.instances.inventory.max-wait-duration=100ms")
			.run((context) -> {
				InvalidResiliencePropertyException invalid = FailureReports.findCause(context.getStartupFailure(),
						InvalidResiliencePropertyException.class);
				assertThat(invalid.getInheritedBy()).isNull();
				assertThat(FailureReports.analyze(context.getStartupFailure()).getAction())
					.endsWith("Remove it to inherit the value of the pattern's defaults group.");
			});
	}

	@Test
	void emptyKeyPrefixFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.idempotency.key-prefix=")
			.run(failsWith("resilience.idempotency.key-prefix",
					"Invalid value '' for 'resilience.idempotency.key-prefix': must not be empty"));
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "resilience.circuit-breaker.defaults.sliding-window-type",
			"resilience.retry.defaults.wait-duration", "resilience.retry.instances.inventory.backoff" })
	void emptyValueFailsStartupNamingTheProperty(String property) {
		this.runner.withPropertyValues(property + "=").run((context) -> {
			assertThat(context).hasFailed();
			UnboundConfigurationPropertiesException unbound = FailureReports.findCause(context.getStartupFailure(),
					UnboundConfigurationPropertiesException.class);
			assertThat(unbound.getUnboundProperties()).extracting((p) -> p.getName().toString())
				.containsExactly(property);
			assertThat(FailureReports.analyze(context.getStartupFailure()).getDescription())
				.contains("Property: " + property);
		});
	}

	@Test
	void tableNameThatIsNotAnIdentifierFailsStartup() {
		this.runner.withPropertyValues("resilience.idempotency.jdbc.table-name=records; drop table users")
			.run(failsWith("resilience.idempotency.jdbc.table-name",
					"Invalid value 'records; drop table users' for 'resilience.idempotency.jdbc.table-name': "
							+ "must be a table name of letters, digits and underscores, optionally qualified by a "
							+ "schema (schema.table)"));
	}

	@Test
	void invalidInstanceValueFailsStartupEvenThoughNoMethodUsesTheInstance() {
		this.runner.withPropertyValues("resilience.bulkhead.instances.unused.max-concurrent-calls=0")
			.run(failsWith("resilience.bulkhead.instances.unused.max-concurrent-calls",
					"Invalid value '0' for 'resilience.bulkhead.instances.unused.max-concurrent-calls': "
							+ "must be at least 1"));
	}

	@Test
	void classThatIsNotAThrowableFailsStartupNamingTheListElement() {
		this.runner
			.withPropertyValues("resilience.retry.defaults.retry-exceptions=java.io.IOException,java.lang.String")
			.run(failsWith("resilience.retry.defaults.retry-exceptions[1]",
					"Invalid value 'java.lang.String' for 'resilience.retry.defaults.retry-exceptions[1]': "
							+ "must name a subclass of java.lang.Throwable"));
	}

	@Test
	void unknownExceptionClassFailsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues(
					"resilience.circuit-breaker.instances.inventory.record-exceptions=com.example.NoSuchException")
			.run((context) -> {
				assertThat(context).hasFailed();
				BindException bind = FailureReports.findCause(context.getStartupFailure(), BindException.class);
				assertThat(bind.getProperty().getName().toString())
					.isEqualTo("resilience.circuit-breaker.instances.inventory.record-exceptions");
				FailureAnalysis analysis = FailureReports.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("Property: resilience.circuit-breaker.instances.inventory.record-exceptions")
					.contains("com.example.NoSuchException");
			});
	}

	@Test
	void unknownEnumValueFailsStartupListingTheAcceptedValues() {
		this.runner.withPropertyValues("resilience.retry.defaults.backoff=linear").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = FailureReports.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: resilience.retry.defaults.backoff")
				.contains("Value: \"linear\"");
			assertThat(analysis.getAction()).contains("FIXED").contains("EXPONENTIAL");
		});
	}

	@Test
	void reportNamesTheFileAndLineTheInvalidValueCameFrom() throws IOException {
		String yaml = """
				resilience:
				  circuit-breaker:
				    instances:
				      inventory:
				        failure-rate-threshold: 150
				""";
		StandardEnvironment environment = new StandardEnvironment();
		for (PropertySource<?> source : new YamlPropertySourceLoader().load("application.yml",
				new ByteArrayResource(yaml.getBytes(), "application.yml"))) {
			environment.getPropertySources().addFirst(source);
		}
		this.runner.withInitializer((context) -> context.setEnvironment(environment)).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = FailureReports.analyze(context.getStartupFailure(), environment);
			assertThat(analysis.getDescription()).startsWith(
					"Invalid value '150' for 'resilience.circuit-breaker.instances.inventory.failure-rate-threshold': "
							+ "must be in (0, 100]")
				.contains("Origin: Byte array resource [application.yml] - 5:33");
		});
	}

	private static ContextConsumer<AssertableApplicationContext> failsWith(String property, String message) {
		return (context) -> {
			assertThat(context).hasFailed();
			InvalidResiliencePropertyException invalid = FailureReports.findCause(context.getStartupFailure(),
					InvalidResiliencePropertyException.class);
			assertThat(invalid.getPropertyName()).isEqualTo(property);
			assertThat(invalid.getMessage()).isEqualTo(message);
			FailureAnalysis analysis = FailureReports.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).isEqualTo(message);
			assertThat(analysis.getAction())
				.startsWith("Update '" + property + "' in your application's configuration");
		};
	}

}
