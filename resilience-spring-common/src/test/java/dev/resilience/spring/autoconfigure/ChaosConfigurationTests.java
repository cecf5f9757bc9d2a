package dev.resilience.spring.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.resilience.chaos.ChaosConfig;
import dev.resilience.chaos.ChaosRegistry;
import dev.resilience.chaos.InjectedFaultException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code resilience.chaos.*}: off by default with nothing created, one WARN line when on,
 * and every value checked at startup, on or off, naming the key.
 */
@ExtendWith(OutputCaptureExtension.class)
class ChaosConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

	@Test
	void disabledByDefaultCreatesNoChaosRegistry(CapturedOutput output) {
		this.runner.withPropertyValues("resilience.chaos.instances.inventory.error-rate=1").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(ChaosRegistry.class);
			assertThat(context.getBean(ChaosConfigurations.class).isEnabled()).isFalse();
		});
		assertThat(output).doesNotContain("Chaos injection is enabled");
	}

	@Test
	void enabledLogsOneWarnLineNamingTheInstancesWithFaults(CapturedOutput output) {
		this.runner
			.withPropertyValues("resilience.chaos.enabled=true", "resilience.chaos.instances.inventory.error-rate=0.5",
					"resilience.chaos.instances.payments.latency=200ms",
					"resilience.chaos.instances.payments.latency-rate=0.1",
					"resilience.chaos.instances.quiet.error-rate=0")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ChaosRegistry.class);
				ChaosConfig inventory = context.getBean(ChaosRegistry.class).chaos("inventory").getConfig();
				assertThat(inventory.getErrorRate()).isEqualTo(0.5);
				assertThat(inventory.getError()).isEqualTo(InjectedFaultException.class);
				ChaosConfig payments = context.getBean(ChaosRegistry.class).chaos("payments").getConfig();
				assertThat(payments.getLatency()).isEqualTo(Duration.ofMillis(200));
				assertThat(payments.getLatencyRate()).isEqualTo(0.1);
				assertThat(context.getBean(ChaosRegistry.class).chaos("unconfigured").getConfig().isActive()).isFalse();
			});
		String warnings = output.getAll();
		assertThat(warnings.lines().filter((line) -> line.contains("Chaos injection is enabled"))).singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN")
				.contains("inventory (error-rate 0.5 InjectedFaultException)")
				.contains("payments (latency 200ms at latency-rate 0.1)")
				.doesNotContain("quiet"));
	}

	@Test
	void enabledWithoutFaultsSaysSo(CapturedOutput output) {
		this.runner.withPropertyValues("resilience.chaos.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(ChaosRegistry.class));
		assertThat(output).contains(
				"Chaos injection is enabled (resilience.chaos.enabled=true): no instance has" + " faults configured");
	}

	@Test
	void configuredErrorTypeIsLoaded() {
		this.runner
			.withPropertyValues("resilience.chaos.enabled=true", "resilience.chaos.instances.inventory.error-rate=1",
					"resilience.chaos.instances.inventory.error=java.util.ConcurrentModificationException")
			.run((context) -> assertThat(
					context.getBean(ChaosRegistry.class).chaos("inventory").getConfig().getError().getName())
				.isEqualTo("java.util.ConcurrentModificationException"));
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			error-rate   | 1.5                          | error-rate   | must be in [0, 1]
			error-rate   | -0.1                         | error-rate   | must be in [0, 1]
			latency-rate | 2                            | latency-rate | must be in [0, 1]
			latency      | -1ms                         | latency      | must not be a negative duration
			latency-rate | 0.5                          | latency-rate | must be 0 unless latency is a positive duration
			latency      | 200ms                        | latency-rate | must be above 0 when latency (200ms) is set
			error        | com.example.NoSuchFault      | error        | must name a class on the classpath
			error        | java.lang.String             | error        | must be a Throwable
			error        | java.lang.VirtualMachineError | error        | must be a Throwable with a public constructor
			error        | java.io.UncheckedIOException | error        | must be a Throwable with a public constructor
			""")
	void invalidValueFailsStartupNamingTheKey(String key, String value, String blamedKey, String requirement) {
		String property = "resilience.chaos.instances.inventory." + blamedKey;
		// Checked whether chaos is enabled or not: switching it on later must not break
		// startup.
		for (String enabled : new String[] { "true", "false" }) {
			this.runner
				.withPropertyValues("resilience.chaos.enabled=" + enabled,
						"resilience.chaos.instances.inventory." + key + "=" + value)
				.run((context) -> {
					assertThat(context).hasFailed();
					InvalidResiliencePropertyException invalid = FailureReports.findCause(context.getStartupFailure(),
							InvalidResiliencePropertyException.class);
					assertThat(invalid.getPropertyName()).isEqualTo(property);
					assertThat(invalid.getRequirement()).contains(requirement);
					FailureAnalysis analysis = FailureReports.analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains(property);
				});
		}
	}

	@Test
	void instancesInheritUnsetKeysFromDefaultsAndOtherNamesGetTheDefaults(CapturedOutput output) {
		this.runner.withPropertyValues("resilience.chaos.enabled=true", "resilience.chaos.defaults.latency=50ms",
				"resilience.chaos.defaults.latency-rate=0.05", "resilience.chaos.instances.inventory.error-rate=0.5",
				"resilience.chaos.instances.payments.latency-rate=1")
			.run((context) -> {
				ChaosRegistry registry = context.getBean(ChaosRegistry.class);
				ChaosConfig inventory = registry.chaos("inventory").getConfig();
				assertThat(inventory.getErrorRate()).isEqualTo(0.5);
				assertThat(inventory.getLatency()).isEqualTo(Duration.ofMillis(50));
				assertThat(inventory.getLatencyRate()).isEqualTo(0.05);
				assertThat(registry.chaos("payments").getConfig().getLatencyRate()).isEqualTo(1.0);
				ChaosConfig other = registry.chaos("anything").getConfig();
				assertThat(other.getLatency()).isEqualTo(Duration.ofMillis(50));
				assertThat(other.getErrorRate()).isZero();
			});
		assertThat(output).contains("every other name (defaults: latency 50ms at latency-rate 0.05)");
	}

	@Test
	void invalidDefaultsFailStartupNamingTheDefaultsKey() {
		this.runner.withPropertyValues("resilience.chaos.defaults.error-rate=2").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureReports.findCause(context.getStartupFailure(), InvalidResiliencePropertyException.class)
				.getPropertyName()).isEqualTo("resilience.chaos.defaults.error-rate");
		});
	}

	@Test
	void ruleBrokenByAnInstanceKeyNamesTheInstanceKey() {
		this.runner
			.withPropertyValues("resilience.chaos.defaults.latency=50ms", "resilience.chaos.defaults.latency-rate=0.5",
					"resilience.chaos.instances.inventory.latency-rate=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidResiliencePropertyException invalid = FailureReports.findCause(context.getStartupFailure(),
						InvalidResiliencePropertyException.class);
				assertThat(invalid.getPropertyName()).isEqualTo("resilience.chaos.instances.inventory.latency-rate");
				assertThat(invalid.getRequirement()).contains("latency (50ms)");
			});
	}

	@Test
	void unknownKeyUnderAnInstanceFailsStartup() {
		this.runner.withPropertyValues("resilience.chaos.instances.inventory.error-ratio=0.5")
			.run((context) -> assertThat(context).hasFailed());
	}

}
