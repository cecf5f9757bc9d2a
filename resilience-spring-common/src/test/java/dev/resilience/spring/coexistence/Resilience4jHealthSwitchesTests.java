package dev.resilience.spring.coexistence;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * resilience4j's health switches and the starter's are separate: each turns off only its
 * own library's indicator, in a real application with both libraries' auto-configuration.
 * resilience4j's indicators exist only when its {@code management.health.*.enabled} is
 * set to {@code true}; the starter's follow {@code resilience.health.*.enabled}.
 */
@ExtendWith(OutputCaptureExtension.class)
class Resilience4jHealthSwitchesTests {

	private static final Class<?> INDICATOR = BootLine.type(BootLine.HEALTH_INDICATOR);

	private static final String OURS = "dev.resilience.spring.actuate.";

	private static final String THEIRS = "io.github.resilience4j.";

	@Test
	void withResilience4jsIndicatorsOnBothShowTheStartersUnderAlternativeNames(CapturedOutput output) {
		run((indicators) -> assertThat(indicators).containsEntry("circuitBreakersHealthIndicator", THEIRS)
			.containsEntry("rateLimitersHealthIndicator", THEIRS)
			.containsEntry("resilienceCircuitBreakersHealthIndicator", OURS)
			.containsEntry("resilienceRateLimitersHealthIndicator", OURS)
			.containsEntry("retriesHealthIndicator", OURS)
			.containsEntry("bulkheadsHealthIndicator", OURS)
			.containsEntry("timeoutsHealthIndicator", OURS), "management.health.circuitbreakers.enabled=true",
				"management.health.ratelimiters.enabled=true");
		assertThat(output.getAll()).containsOnlyOnce("so this starter reports its own as");
	}

	@Test
	void onlyResilience4jsCircuitBreakerIndicatorOnMovesOnlyTheStartersBreakers(CapturedOutput output) {
		run((indicators) -> assertThat(indicators).containsEntry("circuitBreakersHealthIndicator", THEIRS)
			.containsEntry("resilienceCircuitBreakersHealthIndicator", OURS)
			.containsEntry("rateLimitersHealthIndicator", OURS)
			.doesNotContainKey("resilienceRateLimitersHealthIndicator"),
				"management.health.circuitbreakers.enabled=true");
		assertThat(output.getAll()).contains("use the name circuitBreakers in /actuator/health, so this starter"
				+ " reports its own as resilienceCircuitBreakers; they take back their usual names once resilience4j's"
				+ " are switched off (management.health.circuitbreakers.enabled) or removed");
	}

	@Test
	void resilience4jsSwitchesOffLeaveTheStartersOnUnderTheirOwnNames(CapturedOutput output) {
		run((indicators) -> assertThat(indicators).containsOnly(Map.entry("circuitBreakersHealthIndicator", OURS),
				Map.entry("rateLimitersHealthIndicator", OURS), Map.entry("retriesHealthIndicator", OURS),
				Map.entry("bulkheadsHealthIndicator", OURS), Map.entry("timeoutsHealthIndicator", OURS)),
				"management.health.circuitbreakers.enabled=false", "management.health.ratelimiters.enabled=false");
		assertThat(output.getAll()).doesNotContain("so this starter reports its own as");
	}

	@Test
	void byDefaultResilience4jsIndicatorsAreOffAndTheStartersHaveTheirOwnNames(CapturedOutput output) {
		run((indicators) -> assertThat(indicators).containsOnly(Map.entry("circuitBreakersHealthIndicator", OURS),
				Map.entry("rateLimitersHealthIndicator", OURS), Map.entry("retriesHealthIndicator", OURS),
				Map.entry("bulkheadsHealthIndicator", OURS), Map.entry("timeoutsHealthIndicator", OURS)));
		assertThat(output.getAll()).doesNotContain("so this starter reports its own as")
			.doesNotContain("Instance names used by both");
	}

	@Test
	void theStartersSwitchesOffLeaveResilience4jsOn() {
		run((indicators) -> assertThat(indicators).containsOnly(Map.entry("circuitBreakersHealthIndicator", THEIRS),
				Map.entry("rateLimitersHealthIndicator", THEIRS), Map.entry("bulkheadsHealthIndicator", OURS)),
				"management.health.circuitbreakers.enabled=true", "management.health.ratelimiters.enabled=true",
				"resilience.health.circuit-breakers.enabled=false", "resilience.health.rate-limiters.enabled=false",
				"resilience.health.retries.enabled=false", "resilience.health.timeouts.enabled=false");
	}

	/**
	 * Starts the application with the given properties and hands the two libraries'
	 * health indicators, bean name to the package their class comes from.
	 */
	private static void run(Consumer<Map<String, String>> assertions, String... properties) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.SERVLET)
			.properties("server.port=0", "spring.autoconfigure.exclude=" + BootLine.SECURITY,
					"management.health.redis.enabled=false", "management.health.diskspace.enabled=false",
					"management.health.ping.enabled=false", "management.health.db.enabled=false")
			.properties(properties)
			.run()) {
			Map<String, String> indicators = new TreeMap<>();
			context.getBeansOfType(INDICATOR).forEach((name, bean) -> {
				String type = bean.getClass().getName();
				if (type.startsWith(OURS) || type.startsWith(THEIRS)) {
					indicators.put(name, type.startsWith(OURS) ? OURS : THEIRS);
				}
			});
			assertions.accept(indicators);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
