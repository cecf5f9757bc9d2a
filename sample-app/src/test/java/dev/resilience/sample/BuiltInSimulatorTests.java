package dev.resilience.sample;

import java.time.Duration;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import dev.resilience.ResilienceRegistry;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.sample.inventory.Availability;
import dev.resilience.sample.orders.Order;
import dev.resilience.sample.orders.OrderRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The app as the README runs it, with application.yml's policies and no downstream of its
 * own: it calls the simulator it serves, on whatever port it got. Only the breaker's open
 * time is shortened, so that the README's session (fail, open, fallback, heal, close)
 * runs in seconds.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "resilience.circuit-breaker.instances.inventory.wait-duration-in-open-state=1s",
				// Boot's test support turns metrics export off by default; Prometheus'
				// own switch wins on both lines
				"management.prometheus.metrics.export.enabled=true" })
@Import(SampleHttp.class)
class BuiltInSimulatorTests {

	@Autowired
	SampleHttp http;

	@Autowired
	ResilienceRegistry registry;

	@BeforeEach
	@AfterEach
	void healDownstreamAndCloseBreakers() {
		setFaults(Map.of());
		this.registry.getCircuitBreakers().forEach(CircuitBreaker::reset);
	}

	@Test
	void answersFromTheSimulatedInventoryOnARandomPort() {
		Availability availability = availability("SKU-42");

		assertThat(availability).isEqualTo(new Availability("SKU-42", 100, "inventory"));
	}

	@Test
	void anOrderReservesStockInTheSimulatedInventory() {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		headers.set("Idempotency-Key", "order-of-3-sku-77");
		HttpEntity<OrderRequest> request = new HttpEntity<>(new OrderRequest("SKU-77", 3), headers);

		ResponseEntity<Order> first = this.http.postForEntity("/orders", request, Order.class);
		ResponseEntity<Order> replay = this.http.postForEntity("/orders", request, Order.class);

		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(replay.getBody()).isEqualTo(first.getBody());
		assertThat(availability("SKU-77").available()).isEqualTo(97);
	}

	@Test
	void failingSimulatorOpensTheBreakerAsHealthShowsAndHealingItClosesIt() {
		setFaults(Map.of("errorRate", 1.0));

		for (int call = 0; call < 30 && inventoryBreaker().getState() != State.OPEN; call++) {
			assertThat(availability("SKU-1").source()).isEqualTo("fallback");
		}
		assertThat(inventoryBreaker().getState()).isEqualTo(State.OPEN);
		String openHealth = this.http.getForObject("/actuator/health", String.class);
		assertThat((String) JsonPath.read(openHealth, "$.components.circuitBreakers.details.inventory.state"))
			.isEqualTo("OPEN");
		// an open breaker downstream must not make an orchestrator restart this service
		assertThat((String) JsonPath.read(openHealth, "$.status")).isEqualTo("UP");

		setFaults(Map.of());

		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			assertThat(availability("SKU-1").source()).isEqualTo("inventory");
			assertThat(inventoryBreaker().getState()).isEqualTo(State.CLOSED);
		});
		String closedHealth = this.http.getForObject("/actuator/health", String.class);
		assertThat((String) JsonPath.read(closedHealth, "$.components.circuitBreakers.details.inventory.state"))
			.isEqualTo("CLOSED");
	}

	@Test
	void resetConnectionsAreAnsweredByTheFallback() {
		setFaults(Map.of("resetRate", 1.0));

		Availability availability = availability("SKU-1");

		assertThat(availability).isEqualTo(new Availability("SKU-1", 0, "fallback"));
		assertThat(inventoryBreaker().getMetrics().getNumberOfFailedCalls()).isPositive();
	}

	@Test
	void latencyIsAddedToEveryDownstreamAnswer() {
		setFaults(Map.of("latencyMs", 300));

		Duration elapsed = WireMockDownstreamTests.timed(() -> availability("SKU-1"));

		assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void faultsOutOfRangeAreRefusedAndLeaveTheSimulatorAsItWas() {
		ResponseEntity<String> response = this.http.postForEntity("/simulator/faults", Map.of("errorRate", 1.5),
				String.class);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(this.http.getForObject("/simulator/faults", Map.class)).containsEntry("errorRate", 0.0);
		assertThat(availability("SKU-1").source()).isEqualTo("inventory");
	}

	@Test
	void everyPrometheusSeriesHasHelpText() {
		availability("SKU-1");
		this.http.getForObject("/recommendations", String.class);

		ResponseEntity<String> scrape = this.http.getForEntity("/actuator/prometheus", String.class);

		assertThat(scrape.getStatusCode()).isEqualTo(HttpStatus.OK);
		// promtool check metrics refuses "# HELP name" without text; .ci/run runs
		// promtool itself
		assertThat(scrape.getBody().lines().filter((line) -> line.startsWith("# HELP ")))
			.contains("# HELP http_server_requests_seconds Duration of the HTTP requests this application answered")
			.allSatisfy((help) -> {
				String[] parts = help.split(" ", 4);
				assertThat(parts).as(help).hasSize(4);
				assertThat(parts[3]).as(help).isNotBlank();
			});
		assertThat(scrape.getBody()).doesNotContain("jvm_compilation_time_ms_total", "process_cpu_time_ns_total");
	}

	private void setFaults(Map<String, ?> faults) {
		ResponseEntity<String> response = this.http.postForEntity("/simulator/faults", faults, String.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
	}

	private Availability availability(String sku) {
		return this.http.getForObject("/products/{sku}/availability", Availability.class, sku);
	}

	private CircuitBreaker inventoryBreaker() {
		return this.registry.findCircuitBreaker("inventory").orElseThrow();
	}

}
