package dev.resilience.spring.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What an operator sees when a real application fails to start: Spring Boot's failure
 * report, produced by the analyzers registered in {@code META-INF/spring.factories}.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureReportTests {

	@Test
	void invalidValueIsReportedWithPropertyRangeAndOrigin(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> start("--resilience.circuit-breaker.instances.inventory.failure-rate-threshold=150"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains(
					"Invalid value '150' for 'resilience.circuit-breaker.instances.inventory.failure-rate-threshold': "
							+ "must be in (0, 100]")
			.contains("Origin: \"resilience.circuit-breaker.instances.inventory.failure-rate-threshold\" from property "
					+ "source \"commandLineArgs\"")
			.contains("Update 'resilience.circuit-breaker.instances.inventory.failure-rate-threshold' in your "
					+ "application's configuration");
	}

	@Test
	void unknownKeyIsReportedByName(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start("--resilience.circuit-breaker.failure-rate-threshold=30"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: resilience.circuit-breaker.failure-rate-threshold")
			.contains("The elements [resilience.circuit-breaker.failure-rate-threshold] were left unbound");
	}

	@Test
	void storeThatCannotBeConfiguredIsReportedWithWhatToAdd(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(IdempotentApplication.class).web(WebApplicationType.NONE)
				.run("--resilience.idempotency.store=jdbc")
				.close());
		assertThat(output).contains("Application run failed")
			.contains("resilience.idempotency.store=jdbc needs a DataSource bean: configure spring.datasource.* with"
					+ " spring-boot-starter-jdbc and a JDBC driver");
	}

	private static void start(String... args) {
		new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE).run(args).close();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ResilienceAutoConfiguration.class)
	static class Application {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ResilienceAutoConfiguration.class, ResilienceIdempotencyAutoConfiguration.class })
	static class IdempotentApplication {

	}

}
