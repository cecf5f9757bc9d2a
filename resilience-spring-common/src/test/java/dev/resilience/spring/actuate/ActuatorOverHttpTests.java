package dev.resilience.spring.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.Idempotent;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.spring.testsupport.BootLine;
import dev.resilience.spring.testsupport.LocalHttp;
import dev.resilience.spring.testsupport.WithMetricsExport;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Health, Prometheus and the resilience endpoint read over real HTTP after driving
 * annotated beans, with the default settings: state changes disabled, an open breaker
 * leaves the application UP. Time is fake, so every recorded call lasts 0 seconds and
 * retries do not wait. Each test uses its own instance names, so they do not depend on
 * each other's order.
 */
@SpringBootTest(classes = ActuatorOverHttpTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.autoconfigure.exclude=" + BootLine.SECURITY, "management.health.redis.enabled=false",
				"management.endpoints.web.exposure.include=health,prometheus,resilience",
				"management.endpoint.health.show-details=always",
				"resilience.circuit-breaker.instances.inventory.sliding-window-size=8",
				"resilience.circuit-breaker.instances.inventory.minimum-number-of-calls=8",
				"resilience.circuit-breaker.instances.inventory.failure-rate-threshold=50",
				"resilience.circuit-breaker.instances.inventory.wait-duration-in-open-state=1h",
				"resilience.circuit-breaker.instances.inventory.max-wait-duration-in-half-open-state=90s",
				"resilience.retry.defaults.max-attempts=3", "resilience.retry.defaults.wait-duration=100ms",
				"resilience.retry.defaults.jitter=none", "resilience.retry.defaults.budget.enabled=false",
				"resilience.bulkhead.instances.inventory.max-concurrent-calls=5",
				"resilience.idempotency.instances.receipts.ttl=10m",
				"resilience.idempotency.instances.receipts.on-in-progress=wait" })
@WithMetricsExport
@ExtendWith(OutputCaptureExtension.class)
class ActuatorOverHttpTests {

	private final ObjectMapper json = new ObjectMapper();

	@Autowired
	private LocalHttp http;

	@Autowired
	private ObservedInventoryClient client;

	@Autowired
	private ObservedInventoryClient.Downstream downstream;

	@Autowired
	private ResilienceRegistry registry;

	@Autowired
	private Receipts receipts;

	@Test
	void openBreakerShowsInHealthDetailsPrometheusSeriesAndOneWarnLine(CapturedOutput output) throws Exception {
		driveInventoryOpen();

		ResponseEntity<String> health = this.http.getForEntity("/actuator/health", String.class);
		assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
		JsonNode root = this.json.readTree(health.getBody());
		assertThat(root.path("status").asText()).isEqualTo("UP");
		JsonNode breakers = root.path("components").path("circuitBreakers");
		assertThat(breakers.path("status").asText()).as("an open breaker leaves the application UP").isEqualTo("UP");
		JsonNode inventory = breakers.path("details").path("inventory");
		assertThat(fieldNames(inventory)).containsExactly("state", "failureRate", "slowCallRate", "bufferedCalls",
				"failedCalls", "notPermittedCalls");
		assertThat(inventory.path("state").asText()).isEqualTo("OPEN");
		assertThat(inventory.path("failureRate").asDouble()).isEqualTo(62.5);
		assertThat(inventory.path("slowCallRate").asDouble()).isEqualTo(0.0);
		assertThat(inventory.path("bufferedCalls").asInt()).isEqualTo(8);
		assertThat(inventory.path("failedCalls").asInt()).isEqualTo(5);
		assertThat(inventory.path("notPermittedCalls").asInt()).isEqualTo(1);
		JsonNode retry = root.path("components").path("retries").path("details").path("inventory");
		assertThat(fieldNames(retry)).containsExactly("successfulWithoutRetry", "successfulWithRetry",
				"failedWithRetry", "failedWithoutRetry", "retryAttempts", "budgetExhausted");
		assertThat(retry.path("successfulWithoutRetry").asLong()).isEqualTo(3);
		assertThat(retry.path("failedWithRetry").asLong()).isEqualTo(2);
		assertThat(retry.path("retryAttempts").asLong()).isEqualTo(4);
		JsonNode bulkhead = root.path("components").path("bulkheads").path("details").path("inventory");
		assertThat(fieldNames(bulkhead)).containsExactly("availableConcurrentCalls", "maxConcurrentCalls", "limit");
		assertThat(bulkhead.path("availableConcurrentCalls").asInt()).isEqualTo(5);
		assertThat(bulkhead.path("maxConcurrentCalls").asInt()).isEqualTo(5);
		assertThat(bulkhead.path("limit").asInt()).isEqualTo(5);

		assertThat(prometheus())
			.contains("resilience_circuitbreaker_state{name=\"inventory\",state=\"open\"} 1.0\n",
					"resilience_circuitbreaker_state{name=\"inventory\",state=\"closed\"} 0.0\n",
					"resilience_circuitbreaker_state{name=\"inventory\",state=\"half_open\"} 0.0\n",
					"resilience_circuitbreaker_state{name=\"inventory\",state=\"forced_open\"} 0.0\n",
					"resilience_circuitbreaker_state{name=\"inventory\",state=\"disabled\"} 0.0\n",
					"resilience_circuitbreaker_failure_rate{name=\"inventory\"} 62.5\n",
					"resilience_circuitbreaker_transitions_total{from=\"closed\",name=\"inventory\",to=\"open\"} 1.0\n",
					"resilience_circuitbreaker_calls_seconds_count{name=\"inventory\",outcome=\"success\"} 3\n",
					"resilience_circuitbreaker_calls_seconds_count{name=\"inventory\",outcome=\"failure\"} 5\n",
					"resilience_circuitbreaker_calls_seconds_count{name=\"inventory\",outcome=\"not_permitted\"} 1\n",
					"resilience_circuitbreaker_calls_seconds_count{name=\"inventory\",outcome=\"slow_failure\"} 0\n",
					"resilience_circuitbreaker_calls_seconds_sum{name=\"inventory\",outcome=\"failure\"} 0.0\n",
					"resilience_retry_calls_total{kind=\"successful_without_retry\",name=\"inventory\"} 3.0\n",
					"resilience_retry_calls_total{kind=\"failed_with_retry\",name=\"inventory\"} 2.0\n",
					"resilience_retry_calls_total{kind=\"budget_exhausted\",name=\"inventory\"} 0.0\n",
					"resilience_retry_attempts_total{name=\"inventory\"} 4.0\n",
					"resilience_bulkhead_available_concurrent_calls{name=\"inventory\"} 5.0\n",
					"resilience_bulkhead_rejected_total{name=\"inventory\"} 0.0\n")
			.as("the call timers are read from the breaker's totals: no _max, no buckets unless asked for")
			.doesNotContain("resilience_circuitbreaker_calls_seconds_max",
					"resilience_circuitbreaker_calls_seconds_bucket");

		assertThat(output.getAll().lines().filter((line) -> line.contains("CircuitBreaker 'inventory'")))
			.as("one line for the one transition, none for the successful calls")
			.singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN")
				.contains("dev.resilience.circuitbreaker")
				.endsWith("CircuitBreaker 'inventory' CLOSED -> OPEN: failure rate 62.5% >= 50.0% over 8 calls"));
	}

	@Test
	void retryKindsAndFallbacksAreCountedInPrometheus() {
		this.downstream.failuresLeft.set(1);
		assertThat(this.client.price("sku-1")).isEqualTo(7);
		this.downstream.failuresLeft.set(10);
		assertThat(this.client.price("sku-1")).as("the fallback answers").isEqualTo(-1);
		this.downstream.failuresLeft.set(0);

		assertThat(prometheus()).contains(
				"resilience_retry_calls_total{kind=\"successful_with_retry\",name=\"catalog\"} 1.0\n",
				"resilience_retry_calls_total{kind=\"failed_with_retry\",name=\"catalog\"} 1.0\n",
				"resilience_retry_calls_total{kind=\"successful_without_retry\",name=\"catalog\"} 0.0\n",
				"resilience_retry_attempts_total{name=\"catalog\"} 3.0\n",
				"resilience_fallback_calls_total{exception=\"IllegalStateException\",method=\"ObservedInventoryClient.price\"} 1.0\n");
	}

	@Test
	void stateChangesAreRefusedByDefaultAndChangeNothing() {
		CircuitBreaker breaker = this.registry.circuitBreaker("guarded");
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);

		ResponseEntity<String> response = postState("guarded", "FORCED_OPEN");

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(response.getBody()).contains("resilience.actuator.state-changes-enabled");
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void endpointShowsLiveStateAndEffectiveConfiguration() throws Exception {
		this.registry.circuitBreaker("shown");

		JsonNode all = this.json.readTree(this.http.getForObject("/actuator/resilience", String.class));
		JsonNode inventory = all.path("circuitBreakers").path("inventory");
		assertThat(inventory.path("config").path("sliding-window-size").asInt()).isEqualTo(8);
		assertThat(inventory.path("config").path("wait-duration-in-open-state").asText()).isEqualTo("3600s");
		assertThat(inventory.path("config").path("max-wait-duration-in-half-open-state").asText()).isEqualTo("90s");
		assertThat(inventory.path("config").path("sliding-window-type").asText()).isEqualTo("count-based");
		assertThat(all.path("retries").path("inventory").path("config").path("wait-duration").asText())
			.isEqualTo("100ms");
		assertThat(all.path("bulkheads").path("inventory").path("config").path("max-concurrent-calls").asInt())
			.isEqualTo(5);
		assertThat(all.path("circuitBreakers").path("shown").path("state").asText()).isEqualTo("CLOSED");

		JsonNode one = this.json.readTree(this.http.getForObject("/actuator/resilience/inventory", String.class));
		assertThat(fieldNames(one)).containsExactly("name", "circuitBreaker", "retry", "bulkhead");
		assertThat(one.path("circuitBreaker").path("config").path("minimum-number-of-calls").asInt()).isEqualTo(8);
	}

	@Test
	void endpointListsIdempotentMethodsWithTheirStoreAndConfigurationButNoKey() throws Exception {
		assertThat(this.receipts.issue("key-of-a-customer")).isEqualTo("receipt:key-of-a-customer");

		String body = this.http.getForObject("/actuator/resilience", String.class);
		JsonNode idempotency = this.json.readTree(body).path("idempotency");
		JsonNode named = idempotency.path("receipts");
		assertThat(named.path("store").asText()).isEqualTo(MemoryIdempotencyStore.class.getName());
		assertThat(named.path("namespaces").isEmpty()).isTrue();
		assertThat(named.path("config").path("ttl").asText()).isEqualTo("600s");
		assertThat(named.path("config").path("on-in-progress").asText()).isEqualTo("wait");
		assertThat(named.path("config").path("in-progress-timeout").asText()).isEqualTo("60s");
		JsonNode defaultNamed = idempotency.path("Receipts.reissue");
		assertThat(defaultNamed.path("namespaces")).singleElement()
			.satisfies((namespace) -> assertThat(namespace.asText())
				.isEqualTo(Receipts.class.getName() + ".reissue(java.lang.String)"));
		assertThat(defaultNamed.path("config").path("ttl").asText()).isEqualTo("86400s");
		assertThat(body).doesNotContain("key-of-a-customer");

		JsonNode one = this.json.readTree(this.http.getForObject("/actuator/resilience/receipts", String.class));
		assertThat(fieldNames(one)).containsExactly("name", "idempotency");
		assertThat(one.path("idempotency").path("config").path("ttl").asText()).isEqualTo("600s");
	}

	@Test
	void readingAnUnknownNameAnswers404AndCreatesNothing() {
		ResponseEntity<String> response = this.http.getForEntity("/actuator/resilience/nowhere", String.class);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(this.registry.findCircuitBreaker("nowhere")).isEmpty();
	}

	private void driveInventoryOpen() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.client.reserve("sku-1")).isEqualTo(7);
		}
		this.downstream.failuresLeft.set(Integer.MAX_VALUE);
		// Three attempts fail: 6 calls in the window, 3 of them failures.
		assertThatIllegalStateException().isThrownBy(() -> this.client.reserve("sku-1"));
		// Two more failures fill the window at 5 of 8 and open it; the third attempt is
		// refused.
		assertThatExceptionOfType(CallNotPermittedException.class).isThrownBy(() -> this.client.reserve("sku-1"));
		this.downstream.failuresLeft.set(0);
	}

	private String prometheus() {
		HttpHeaders headers = new HttpHeaders();
		headers.setAccept(List.of(MediaType.TEXT_PLAIN));
		ResponseEntity<String> response = this.http.exchange("/actuator/prometheus", HttpMethod.GET,
				new HttpEntity<>(headers), String.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		return response.getBody();
	}

	private ResponseEntity<String> postState(String name, String state) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		return this.http.exchange("/actuator/resilience/circuit-breakers/" + name, HttpMethod.POST,
				new HttpEntity<>(Map.of("state", state), headers), String.class);
	}

	private static List<String> fieldNames(JsonNode node) {
		List<String> names = new ArrayList<>();
		node.fieldNames().forEachRemaining(names::add);
		return names;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(LocalHttp.class)
	static class TestApplication {

		@Bean
		FakeTicker resilienceTestTicker() {
			return new FakeTicker();
		}

		@Bean
		FakeScheduler resilienceTestScheduler(FakeTicker ticker) {
			return new FakeScheduler(ticker);
		}

		@Bean
		ObservedInventoryClient.Downstream downstream() {
			return new ObservedInventoryClient.Downstream();
		}

		@Bean
		ObservedInventoryClient observedInventoryClient(ObservedInventoryClient.Downstream downstream) {
			return new ObservedInventoryClient(downstream);
		}

		@Bean
		Receipts receipts() {
			return new Receipts();
		}

	}

	/** One idempotent method with a name of its own, one with the default name. */
	public static class Receipts {

		@Idempotent(key = "#id", name = "receipts")
		public String issue(String id) {
			return "receipt:" + id;
		}

		@Idempotent(key = "#id")
		public String reissue(String id) {
			return "receipt:" + id;
		}

	}

}
