package dev.resilience.sample;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.sample.inventory.Availability;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /products/{sku}/availability} against an inventory service that hangs (it
 * answers only after far longer than the timeout, well within the client's read timeout):
 * {@code @Timeout} cuts each call at its deadline, the breaker counts the timeouts as
 * failures and opens, and the fallback answers every time within the deadline, never the
 * read timeout.
 */
@TestPropertySource(
		properties = { "resilience.timeout.instances.inventory.duration=" + InventoryTimeoutTests.TIMEOUT_MS + "ms" })
class InventoryTimeoutTests extends WireMockDownstreamTests {

	static final int TIMEOUT_MS = 400;

	/**
	 * Far beyond the timeout, within the read timeout (5s): only the timeout can cut it.
	 */
	private static final Duration HANG = Duration.ofSeconds(4);

	/** Time for the answer to travel beyond the deadline: scheduling, HTTP, fallback. */
	private static final Duration MARGIN = Duration.ofMillis(1000);

	@Test
	void hungInventoryIsCutAtTheDeadlineAnsweredByTheFallbackAndOpensTheBreaker() throws Exception {
		downstream.stubFor(get(urlPathMatching("/inventory/.*"))
			.willReturn(okJson("{\"sku\": \"SKU-1\", \"available\": 7}").withFixedDelay((int) HANG.toMillis())));

		// enough calls for the breaker to judge (minimum-number-of-calls = 4), made
		// together, each timed
		List<Timed> hung = concurrently(4, () -> {
			Availability[] answer = new Availability[1];
			Duration took = timed(() -> answer[0] = availability("SKU-1"));
			return new Timed(answer[0], took);
		});

		assertThat(hung).allSatisfy((call) -> {
			assertThat(call.answer()).isEqualTo(new Availability("SKU-1", 0, "fallback"));
			assertThat(call.took()).isGreaterThanOrEqualTo(Duration.ofMillis(TIMEOUT_MS))
				.isLessThan(Duration.ofMillis(TIMEOUT_MS).plus(MARGIN));
		});
		// a timeout is a failure for the breaker, and not retried: one request per call
		assertThat(inventoryBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(4);
		assertThat(requestsMatching(getRequestedFor(urlPathMatching("/inventory/.*")))).isEqualTo(4);
		assertThat(inventoryBreaker().getState()).isEqualTo(State.OPEN);

		// open: the fallback answers at once, nothing reaches the hung inventory
		Availability[] whileOpen = new Availability[1];
		Duration failFast = timed(() -> whileOpen[0] = availability("SKU-1"));
		assertThat(whileOpen[0]).isEqualTo(new Availability("SKU-1", 0, "fallback"));
		assertThat(failFast).isLessThan(Duration.ofMillis(TIMEOUT_MS));
		assertThat(requestsMatching(getRequestedFor(urlPathMatching("/inventory/.*")))).isEqualTo(4);
	}

	@Test
	void inventoryAnsweringWithinTheDeadlineIsUsed() {
		downstream.stubFor(get(urlPathMatching("/inventory/.*"))
			.willReturn(okJson("{\"sku\": \"SKU-1\", \"available\": 7}").withFixedDelay(TIMEOUT_MS / 4)));

		assertThat(availability("SKU-1")).isEqualTo(new Availability("SKU-1", 7, "inventory"));
		assertThat(inventoryBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	record Timed(Availability answer, Duration took) {
	}

}
