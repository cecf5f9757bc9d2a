package dev.resilience.spring.actuate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.ResponseEntity;

import dev.resilience.ResilienceRegistry;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.spring.testsupport.BootLine;
import dev.resilience.spring.testsupport.LocalHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The readiness group of {@code docs/health.md}, read from the page and run as it is: an
 * open breaker takes the instance out of readiness and leaves liveness alone; the same
 * group without {@code circuit-open-status} never leaves {@code UP}. Real HTTP to a real
 * server on each line.
 */
class ReadinessGroupExampleTests {

	private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

	private static final String SECTION = "### Readiness: when an open breaker should take an instance out";

	private final ObjectMapper json = new ObjectMapper();

	@Test
	void anOpenBreakerFailsTheReadinessGroupOfTheExampleAndLeavesLivenessUp() throws IOException {
		Map<String, Object> example = example();
		assertThat(example).containsEntry("resilience.health.circuit-open-status", "out-of-service")
			.containsKey("management.endpoint.health.group.readiness.include");
		try (ConfigurableApplicationContext context = start(example)) {
			LocalHttp http = new LocalHttp(context.getEnvironment());
			CircuitBreaker inventory = context.getBean(ResilienceRegistry.class).circuitBreaker("inventory");
			assertStatus(http, "/actuator/health/readiness", 200, "UP");
			assertStatus(http, "/actuator/health/liveness", 200, "UP");

			inventory.transitionToOpenState();

			assertStatus(http, "/actuator/health/readiness", 503, "OUT_OF_SERVICE");
			assertStatus(http, "/actuator/health/liveness", 200, "UP");
			assertStatus(http, "/actuator/health", 503, "OUT_OF_SERVICE");

			inventory.transitionToHalfOpenState();
			assertStatus(http, "/actuator/health/readiness", 200, "UP");

			inventory.transitionToForcedOpenState();
			assertStatus(http, "/actuator/health/readiness", 503, "OUT_OF_SERVICE");
			assertStatus(http, "/actuator/health/liveness", 200, "UP");

			inventory.transitionToClosedState();
			assertStatus(http, "/actuator/health/readiness", 200, "UP");
		}
	}

	@Test
	void theExampleGroupKeepsSpringBootsOwnReadiness() throws IOException {
		try (ConfigurableApplicationContext context = start(example())) {
			LocalHttp http = new LocalHttp(context.getEnvironment());

			AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);

			assertStatus(http, "/actuator/health/readiness", 503, "OUT_OF_SERVICE");
			assertStatus(http, "/actuator/health/liveness", 200, "UP");
		}
	}

	@Test
	void withoutTheOpenStatusTheSameGroupStaysUpWithAnOpenBreaker() throws IOException {
		Map<String, Object> example = example();
		example.remove("resilience.health.circuit-open-status");
		try (ConfigurableApplicationContext context = start(example)) {
			LocalHttp http = new LocalHttp(context.getEnvironment());

			context.getBean(ResilienceRegistry.class).circuitBreaker("inventory").transitionToOpenState();

			assertStatus(http, "/actuator/health/readiness", 200, "UP");
			assertStatus(http, "/actuator/health/liveness", 200, "UP");
			assertStatus(http, "/actuator/health", 200, "UP");
		}
	}

	private void assertStatus(LocalHttp http, String path, int httpStatus, String status) throws IOException {
		ResponseEntity<String> response = http.getForEntity(path, String.class);
		assertThat(response.getStatusCode().value()).as(path + " answers " + response.getBody()).isEqualTo(httpStatus);
		assertThat(this.json.readTree(response.getBody()).path("status").asText()).as(path).isEqualTo(status);
	}

	private static ConfigurableApplicationContext start(Map<String, Object> example) {
		Map<String, Object> properties = new HashMap<>(example);
		properties.put("server.port", "0");
		properties.put("server.address", "127.0.0.1");
		properties.put("spring.autoconfigure.exclude", BootLine.SECURITY);
		properties.put("management.health.redis.enabled", "false");
		return new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.SERVLET)
			.properties(properties)
			.run();
	}

	/** The first YAML block of the readiness section of docs/health.md, flattened. */
	private static Map<String, Object> example() throws IOException {
		Path page = Path.of(System.getProperty("basedir", "."))
			.toAbsolutePath()
			.resolve("../docs/health.md")
			.normalize();
		String text = Files.readString(page, StandardCharsets.UTF_8);
		int section = text.indexOf(SECTION);
		assertThat(section).as("section '" + SECTION + "' in docs/health.md").isNotNegative();
		Matcher block = YAML_BLOCK.matcher(text);
		assertThat(block.find(section)).as("a YAML block in the readiness section of docs/health.md").isTrue();
		YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
		yaml.setResources(new ByteArrayResource(block.group(1).getBytes(StandardCharsets.UTF_8)));
		Properties properties = yaml.getObject();
		Map<String, Object> flattened = new HashMap<>();
		properties.forEach((key, value) -> flattened.put((String) key, value));
		return flattened;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
