package dev.resilience.sample;

import java.time.Duration;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import dev.resilience.sample.inventory.Availability;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chaos walkthrough of the sample's README, over HTTP: errors injected into
 * {@code inventory} through the actuator open its breaker while the inventory itself is
 * healthy; stopping the injection lets the breaker close again after its open wait.
 */
class ChaosWalkthroughTests extends WireMockDownstreamTests {

	@AfterEach
	void stopInjection() {
		injectIntoInventory(Map.of());
	}

	@Test
	void injectedErrorsOpenTheBreakerAndStoppingThemLetsItClose() {
		downstream.stubFor(
				get(urlPathMatching("/inventory/.*")).willReturn(okJson("{\"sku\": \"SKU-1\", \"available\": 7}")));
		assertThat(availability("SKU-1").source()).isEqualTo("inventory");

		ResponseEntity<String> injected = injectIntoInventory(Map.of("error-rate", 1.0));
		assertThat(injected.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(JsonPath.<Double>read(injected.getBody(), "$.config['error-rate']")).isEqualTo(1.0);

		// not retried (the sample retries only I/O errors and 5xx): the success and three
		// injected failures fill the minimum of 4 calls and open the breaker, which
		// refuses the fourth
		for (int i = 0; i < 4; i++) {
			assertThat(availability("SKU-1")).isEqualTo(new Availability("SKU-1", 0, "fallback"));
		}
		assertThat(breakerState()).isEqualTo("OPEN");
		assertThat(requestsMatching(getRequestedFor(urlPathEqualTo("/inventory/SKU-1"))))
			.as("injected faults never reach the healthy inventory")
			.isEqualTo(1);

		assertThat(injectIntoInventory(Map.of()).getStatusCode()).isEqualTo(HttpStatus.OK);
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			assertThat(availability("SKU-1").source()).isEqualTo("inventory");
			assertThat(breakerState()).isEqualTo("CLOSED");
		});
	}

	private ResponseEntity<String> injectIntoInventory(Map<String, ?> faults) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		return this.http.postForEntity("/actuator/resilience/chaos/inventory", new HttpEntity<>(faults, headers),
				String.class);
	}

	private String breakerState() {
		return JsonPath.read(this.http.getForObject("/actuator/health", String.class),
				"$.components.circuitBreakers.details.inventory.state");
	}

}
