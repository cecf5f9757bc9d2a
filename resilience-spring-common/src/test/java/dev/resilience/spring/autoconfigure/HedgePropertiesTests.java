package dev.resilience.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilience.ResilienceRegistry;
import dev.resilience.hedge.HedgeConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code resilience.hedge.*} keys: bound over the defaults per key, every value out
 * of range fails startup naming the full property and the accepted range, an unknown key
 * fails too, and the metadata's defaults are the engine's.
 */
class HedgePropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

	@Test
	void instanceKeysOverrideTheDefaultsOneByOne() {
		this.runner
			.withPropertyValues("resilience.hedge.defaults.delay=30ms", "resilience.hedge.defaults.budget.ratio=0.3",
					"resilience.hedge.instances.catalog.delay-quantile=0.95",
					"resilience.hedge.instances.catalog.max-hedged-attempts=2",
					"resilience.hedge.instances.catalog.budget.window=30s")
			.run((context) -> {
				HedgeConfig config = context.getBean(ResilienceRegistry.class).hedge("catalog").getConfig();
				assertThat(config.getDelay()).isEqualTo(Duration.ofMillis(30));
				assertThat(config.getDelayQuantile()).hasValue(0.95);
				assertThat(config.getMaxHedgedAttempts()).isEqualTo(2);
				assertThat(config.getBudgetRatio()).isEqualTo(0.3);
				assertThat(config.getBudgetWindow()).isEqualTo(Duration.ofSeconds(30));
				HedgeConfig undeclared = context.getBean(ResilienceRegistry.class).hedge("other").getConfig();
				assertThat(undeclared.getDelayQuantile()).isEmpty();
				assertThat(undeclared.getDelay()).isEqualTo(Duration.ofMillis(30));
			});
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			resilience.hedge.defaults.delay                           | 0ms  | 0ms  | must be a positive duration
			resilience.hedge.instances.catalog.delay                  | -1s  | -1s  | must be a positive duration
			resilience.hedge.defaults.delay-quantile                  | 0    | 0    | must be in (0, 1)
			resilience.hedge.instances.catalog.delay-quantile         | 1    | 1    | must be in (0, 1)
			resilience.hedge.instances.catalog.delay-quantile         | 1.5  | 1.5  | must be in (0, 1)
			resilience.hedge.defaults.max-hedged-attempts             | 0    | 0    | must be in [1, 10]
			resilience.hedge.instances.catalog.max-hedged-attempts    | 11   | 11   | must be in [1, 10]
			resilience.hedge.defaults.budget.ratio                    | 0    | 0    | must be in (0, 1]
			resilience.hedge.instances.catalog.budget.ratio           | 1.2  | 1.2  | must be in (0, 1]
			resilience.hedge.defaults.budget.window                   | 0s   | 0ms  | must be a positive duration
			resilience.hedge.instances.catalog.budget.window          | -10s | -10s | must be a positive duration
			""")
	void valueOutOfRangeFailsStartupNamingPropertyAndRange(String property, String value, String shownValue,
			String requirement) {
		String expected = "Invalid value '" + shownValue + "' for '" + property + "': " + requirement;
		this.runner.withPropertyValues(property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			InvalidResiliencePropertyException invalid = FailureReports.findCause(context.getStartupFailure(),
					InvalidResiliencePropertyException.class);
			assertThat(invalid.getPropertyName()).isEqualTo(property);
			assertThat(invalid.getMessage()).isEqualTo(expected);
			FailureAnalysis analysis = FailureReports.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).isEqualTo(expected);
		});
	}

	@Test
	void unknownHedgeKeyFailsStartupNamingIt() {
		this.runner.withPropertyValues("resilience.hedge.defaults.dealy=50ms")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("resilience.hedge.defaults.dealy"));
	}

	@Test
	void metadataDefaultsAreTheEngineDefaults() throws IOException {
		Map<String, JsonNode> metadata = metadata();
		HedgeConfig engine = HedgeConfig.ofDefaults();
		String prefix = "resilience.hedge.defaults.";
		assertThat(DurationStyle.detectAndParse(metadata.get(prefix + "delay").get("defaultValue").asText()))
			.isEqualTo(engine.getDelay());
		assertThat(metadata.get(prefix + "max-hedged-attempts").get("defaultValue").asInt())
			.isEqualTo(engine.getMaxHedgedAttempts());
		assertThat(metadata.get(prefix + "budget.ratio").get("defaultValue").asDouble())
			.isEqualTo(engine.getBudgetRatio());
		assertThat(DurationStyle.detectAndParse(metadata.get(prefix + "budget.window").get("defaultValue").asText()))
			.isEqualTo(engine.getBudgetWindow());
		assertThat(metadata.get(prefix + "delay-quantile").has("defaultValue")).as("no default: unset").isFalse();
		for (String key : new String[] { "delay", "delay-quantile", "max-hedged-attempts", "budget.ratio",
				"budget.window" }) {
			assertThat(metadata.get(prefix + key).path("description").asText()).as(key).isNotBlank();
		}
		assertThat(metadata.get("resilience.hedge.instances").path("description").asText()).isNotBlank();
	}

	private static Map<String, JsonNode> metadata() throws IOException {
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		ObjectMapper mapper = new ObjectMapper();
		for (URL url : Collections.list(HedgePropertiesTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				for (JsonNode property : mapper.readTree(in).path("properties")) {
					String name = property.path("name").asText();
					if (name.startsWith("resilience.hedge.")) {
						properties.put(name, property);
					}
				}
			}
		}
		return properties;
	}

}
