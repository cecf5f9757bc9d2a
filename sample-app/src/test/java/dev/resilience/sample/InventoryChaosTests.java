package dev.resilience.sample;

import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.sample.inventory.Availability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /products/{sku}/availability} against a failing inventory service: the user
 * sees a fallback answer, never an error, and the breaker opens, fails fast and closes
 * again.
 */
class InventoryChaosTests extends WireMockDownstreamTests {

	private static final String INVENTORY = "inventory";

	private static final String FALLBACK = "fallback";

	@Test
	void answersFromInventoryWhenItIsHealthy() {
		downstream.stubFor(get("/inventory/SKU-1").willReturn(okJson("{\"sku\": \"SKU-1\", \"available\": 7}")));

		ResponseEntity<Availability> response = this.http.getForEntity("/products/SKU-1/availability",
				Availability.class);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).isEqualTo(new Availability("SKU-1", 7, INVENTORY));
	}

	@Test
	void serverErrorsAreRetriedThenAnsweredByTheFallback() {
		downstream.stubFor(get(urlPathMatching("/inventory/.*")).willReturn(serverError()));

		ResponseEntity<Availability> response = this.http.getForEntity("/products/SKU-1/availability",
				Availability.class);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).isEqualTo(new Availability("SKU-1", 0, FALLBACK));
		assertThat(requestsMatching(getRequestedFor(urlPathEqualTo("/inventory/SKU-1")))).isEqualTo(MAX_ATTEMPTS);
		assertThat(inventoryBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(MAX_ATTEMPTS);
	}

	@Test
	void connectionResetsAreAnsweredByTheFallback() {
		downstream.stubFor(get(urlPathMatching("/inventory/.*"))
			.willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		ResponseEntity<Availability> response = this.http.getForEntity("/products/SKU-1/availability",
				Availability.class);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).isEqualTo(new Availability("SKU-1", 0, FALLBACK));
		// every attempt failed with an I/O error and was recorded, so it was retried up
		// to the limit
		assertThat(inventoryBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(MAX_ATTEMPTS);
	}

	@Test
	void slowResponsesOpenTheBreakerWhichThenFailsFastWithoutCallingTheInventory() throws Exception {
		Duration delay = Duration.ofSeconds(2);
		downstream.stubFor(get(urlPathMatching("/inventory/.*"))
			.willReturn(okJson("{\"sku\": \"SKU-1\", \"available\": 7}").withFixedDelay((int) delay.toMillis())));

		// enough slow calls for the breaker to judge (minimum-number-of-calls = 4), made
		// together
		List<Availability> slow = concurrently(4, () -> availability("SKU-1"));

		assertThat(slow).allSatisfy((answer) -> assertThat(answer.source()).isEqualTo(INVENTORY));
		assertThat(inventoryBreaker().getState()).isEqualTo(State.OPEN);
		int requestsBefore = requestsMatching(getRequestedFor(urlPathMatching("/inventory/.*")));
		Availability[] whileOpen = new Availability[1];
		Duration failFast = timed(() -> whileOpen[0] = availability("SKU-1"));
		assertThat(whileOpen[0]).isEqualTo(new Availability("SKU-1", 0, FALLBACK));
		assertThat(failFast).isLessThan(delay.dividedBy(10));
		assertThat(requestsMatching(getRequestedFor(urlPathMatching("/inventory/.*")))).isEqualTo(requestsBefore);
	}

	@Test
	void opensDuringAnOutageAndClosesAfterRecovery() {
		String outage = "outage";
		downstream.stubFor(get(urlPathMatching("/inventory/.*")).inScenario(outage)
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(serverError()));
		downstream.stubFor(get(urlPathMatching("/inventory/.*")).inScenario(outage)
			.whenScenarioStateIs("recovered")
			.willReturn(okJson("{\"sku\": \"SKU-1\", \"available\": 7}")));

		for (int call = 0; call < 10 && inventoryBreaker().getState() != State.OPEN; call++) {
			assertThat(availability("SKU-1").source()).isEqualTo(FALLBACK);
		}
		assertThat(inventoryBreaker().getState()).isEqualTo(State.OPEN);

		// open: answered by the fallback, nothing reaches the inventory
		int requestsWhenOpened = requestsMatching(getRequestedFor(urlPathMatching("/inventory/.*")));
		for (int call = 0; call < 5; call++) {
			assertThat(availability("SKU-1")).isEqualTo(new Availability("SKU-1", 0, FALLBACK));
		}
		assertThat(requestsMatching(getRequestedFor(urlPathMatching("/inventory/.*")))).isEqualTo(requestsWhenOpened);
		assertThat(inventoryBreaker().getMetrics().getNumberOfNotPermittedCalls()).isGreaterThanOrEqualTo(5);

		downstream.setScenarioState(outage, "recovered");

		// after wait-duration-in-open-state (2s) trial calls go through and close it
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			assertThat(availability("SKU-1")).isEqualTo(new Availability("SKU-1", 7, INVENTORY));
			assertThat(inventoryBreaker().getState()).isEqualTo(State.CLOSED);
		});
	}

}
