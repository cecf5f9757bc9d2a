package dev.resilience.sample;

import java.util.List;
import java.util.UUID;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import dev.resilience.sample.orders.Order;
import dev.resilience.sample.orders.OrderRequest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /orders} with an {@code Idempotency-Key}: however often a client sends the
 * same order, stock is reserved downstream once and every answer carries the same order.
 */
class OrderIdempotencyTests extends WireMockDownstreamTests {

	private static final String RESERVATIONS = "/inventory/SKU-1/reservations";

	private static final OrderRequest TWO_OF_SKU_1 = new OrderRequest("SKU-1", 2);

	@Test
	void repeatedOrderIsAnsweredWithTheFirstOrderAndReservesOnce() {
		reservationsSucceed();
		String key = newKey();

		ResponseEntity<Order> first = place(key, TWO_OF_SKU_1, Order.class);
		ResponseEntity<Order> repeat = place(key, TWO_OF_SKU_1, Order.class);

		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(first.getBody().sku()).isEqualTo("SKU-1");
		assertThat(first.getBody().quantity()).isEqualTo(2);
		assertThat(first.getBody().orderId()).isNotBlank();
		assertThat(repeat.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(repeat.getBody()).isEqualTo(first.getBody());
		assertThat(requestsMatching(postRequestedFor(urlPathEqualTo(RESERVATIONS))
			.withRequestBody(matchingJsonPath("$.orderId", equalTo(first.getBody().orderId()))))).isOne();
		assertThat(requestsMatching(postRequestedFor(urlPathMatching("/inventory/.*/reservations")))).isOne();
	}

	@Test
	void concurrentDuplicatesReserveOnceAndTheLateOneIsToldItIsInProgress() throws Exception {
		downstream.stubFor(post(urlPathMatching("/inventory/.*/reservations"))
			.willReturn(aResponse().withStatus(201).withFixedDelay(1500)));
		String key = newKey();

		List<HttpStatus> statuses = concurrently(2,
				() -> HttpStatus.valueOf(place(key, TWO_OF_SKU_1, String.class).getStatusCode().value()));

		assertThat(statuses).containsExactlyInAnyOrder(HttpStatus.CREATED, HttpStatus.CONFLICT);
		assertThat(requestsMatching(postRequestedFor(urlPathMatching("/inventory/.*/reservations")))).isOne();
	}

	@Test
	void keyReusedWithAnotherOrderIsRefusedWith422AndReservesNothingMore() {
		reservationsSucceed();
		String key = newKey();
		place(key, TWO_OF_SKU_1, Order.class);

		ResponseEntity<String> reused = place(key, new OrderRequest("SKU-1", 3), String.class);

		assertProblem(reused, HttpStatusCode.valueOf(422)); // UNPROCESSABLE_CONTENT on
															// Framework 7
		assertThat(requestsMatching(postRequestedFor(urlPathMatching("/inventory/.*/reservations")))).isOne();
	}

	@Test
	void missingKeyIsRefusedWith400AndReservesNothing() {
		reservationsSucceed();

		ResponseEntity<String> response = place(null, TWO_OF_SKU_1, String.class);

		assertProblem(response, HttpStatus.BAD_REQUEST);
		assertThat(requestsMatching(postRequestedFor(urlPathMatching("/inventory/.*/reservations")))).isZero();
	}

	@Test
	void failedReservationIsNotRetriedAndLeavesTheKeyFreeForTheClientsRetry() {
		String flaky = "flaky reservations";
		downstream.stubFor(post(urlPathMatching("/inventory/.*/reservations")).inScenario(flaky)
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(serverError())
			.willSetStateTo("healed"));
		downstream.stubFor(post(urlPathMatching("/inventory/.*/reservations")).inScenario(flaky)
			.whenScenarioStateIs("healed")
			.willReturn(aResponse().withStatus(201)));
		String key = newKey();

		ResponseEntity<String> failed = place(key, TWO_OF_SKU_1, String.class);

		assertProblem(failed, HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(requestsMatching(postRequestedFor(urlPathMatching("/inventory/.*/reservations")))).isOne();

		ResponseEntity<Order> retried = place(key, TWO_OF_SKU_1, Order.class);
		ResponseEntity<Order> repeated = place(key, TWO_OF_SKU_1, Order.class);

		assertThat(retried.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(repeated.getBody()).isEqualTo(retried.getBody());
		assertThat(requestsMatching(postRequestedFor(urlPathMatching("/inventory/.*/reservations")))).isEqualTo(2);
	}

	private static void reservationsSucceed() {
		downstream.stubFor(post(urlPathMatching("/inventory/.*/reservations")).willReturn(aResponse().withStatus(201)));
	}

	private static String newKey() {
		return UUID.randomUUID().toString();
	}

	private <T> ResponseEntity<T> place(String key, OrderRequest request, Class<T> type) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		if (key != null) {
			headers.set("Idempotency-Key", key);
		}
		return this.http.postForEntity("/orders", new HttpEntity<>(request, headers), type);
	}

	private static void assertProblem(ResponseEntity<String> response, HttpStatusCode status) {
		assertThat(response.getStatusCode()).isEqualTo(status);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getBody()).contains("\"status\":" + status.value());
	}

}
