package dev.resilience.spring.actuate;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import dev.resilience.ResilienceRegistry;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.spring.testsupport.BootLine;
import dev.resilience.spring.testsupport.LocalHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /actuator/resilience/circuit-breakers/{name}} with state changes enabled,
 * over real HTTP. The open status is CIRCUIT_OPEN here, which also shows how the
 * application's health aggregates that custom status.
 */
@SpringBootTest(classes = StateChangesOverHttpTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.autoconfigure.exclude=" + BootLine.SECURITY, "management.health.redis.enabled=false",
				"management.endpoints.web.exposure.include=health,resilience",
				"management.endpoint.health.show-details=always", "resilience.actuator.state-changes-enabled=true",
				"resilience.health.circuit-open-status=circuit-open",
				"resilience.circuit-breaker.instances.configured-only.failure-rate-threshold=40" })
class StateChangesOverHttpTests {

	private final ObjectMapper json = new ObjectMapper();

	@Autowired
	private LocalHttp http;

	@Autowired
	private ResilienceRegistry registry;

	@Test
	void forcesABreakerOpenThenClosesIt() throws Exception {
		CircuitBreaker breaker = this.registry.circuitBreaker("switched");

		ResponseEntity<String> forced = postState("switched", "FORCED_OPEN");
		assertThat(forced.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(forced.getBody()).contains("\"state\":\"FORCED_OPEN\"");
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.FORCED_OPEN);

		ResponseEntity<String> health = this.http.getForEntity("/actuator/health", String.class);
		assertThat(health.getStatusCode()).as("CIRCUIT_OPEN still serves").isEqualTo(HttpStatus.OK);
		JsonNode root = this.json.readTree(health.getBody());
		assertThat(root.path("status").asText()).as("ranked above UP").isEqualTo("CIRCUIT_OPEN");
		assertThat(root.path("components").path("circuitBreakers").path("status").asText()).isEqualTo("CIRCUIT_OPEN");

		ResponseEntity<String> closed = postState("switched", "CLOSED");
		assertThat(closed.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.json.readTree(this.http.getForObject("/actuator/health", String.class)).path("status").asText())
			.isEqualTo("UP");
	}

	@Test
	void disablesABreaker() {
		CircuitBreaker breaker = this.registry.circuitBreaker("disabled");

		assertThat(postState("disabled", "disabled").getStatusCode()).isEqualTo(HttpStatus.OK);

		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.DISABLED);
	}

	@Test
	void nameDeclaredOnlyInConfigurationCanBeChanged() {
		ResponseEntity<String> response = postState("configured-only", "FORCED_OPEN");

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(this.registry.findCircuitBreaker("configured-only")).hasValueSatisfying(
				(breaker) -> assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.FORCED_OPEN));
		postState("configured-only", "CLOSED");
	}

	@Test
	void unknownNameAnswers404AndCreatesNothing() {
		ResponseEntity<String> response = postState("nowhere", "FORCED_OPEN");

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(response.getBody()).contains("nowhere");
		assertThat(this.registry.findCircuitBreaker("nowhere")).isEmpty();
	}

	@Test
	void otherStatesAnswer400NamingTheAcceptedOnes() {
		CircuitBreaker breaker = this.registry.circuitBreaker("strict");

		ResponseEntity<String> response = postState("strict", "HALF_OPEN");

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(response.getBody()).contains("FORCED_OPEN, CLOSED, DISABLED");
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void otherKindsOfInstanceAnswer404() {
		this.registry.retry("kinds");

		assertThat(postKind("retries", "kinds").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
	}

	private ResponseEntity<String> postState(String name, String state) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		return this.http.exchange("/actuator/resilience/circuit-breakers/" + name, HttpMethod.POST,
				new HttpEntity<>(Map.of("state", state), headers), String.class);
	}

	private ResponseEntity<String> postKind(String kind, String name) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		return this.http.exchange("/actuator/resilience/" + kind + "/" + name, HttpMethod.POST,
				new HttpEntity<>(Map.of("state", "CLOSED"), headers), String.class);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(LocalHttp.class)
	static class TestApplication {

	}

}
