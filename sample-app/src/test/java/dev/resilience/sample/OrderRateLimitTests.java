package dev.resilience.sample;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.TestPropertySource;

import dev.resilience.sample.orders.OrderRequest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /orders} beyond its rate limit: the orders within the limit are placed, the
 * next one in the same period is answered {@code 429} problem+json with a
 * {@code Retry-After} header in whole seconds, and reserves nothing. The period is an
 * hour here, so that no refresh falls inside the test.
 */
@TestPropertySource(
		properties = { "resilience.rate-limiter.instances.orders.limit-for-period=" + OrderRateLimitTests.LIMIT,
				"resilience.rate-limiter.instances.orders.limit-refresh-period=1h",
				"resilience.rate-limiter.instances.orders.timeout-duration=0ms" })
class OrderRateLimitTests extends WireMockDownstreamTests {

	static final int LIMIT = 3;

	@Test
	void orderBeyondTheLimitIsAnswered429WithRetryAfterAndReservesNothing() {
		downstream.stubFor(post(urlPathMatching("/inventory/.*/reservations")).willReturn(aResponse().withStatus(201)));

		for (int order = 0; order < LIMIT; order++) {
			assertThat(place(UUID.randomUUID().toString()).getStatusCode()).isEqualTo(HttpStatus.CREATED);
		}
		ResponseEntity<String> refused = place(UUID.randomUUID().toString());

		assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(refused.getBody()).contains("\"status\":429");
		String retryAfter = refused.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
		assertThat(retryAfter).as("Retry-After").isNotNull().matches("[1-9][0-9]*");
		// the next permit comes with the next period, within the hour
		assertThat(Duration.ofSeconds(Long.parseLong(retryAfter))).isLessThanOrEqualTo(Duration.ofHours(1));
		assertThat(requestsMatching(postRequestedFor(urlPathMatching("/inventory/.*/reservations")))).isEqualTo(LIMIT);
	}

	private ResponseEntity<String> place(String key) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		headers.set("Idempotency-Key", key);
		return this.http.postForEntity("/orders", new HttpEntity<>(new OrderRequest("SKU-1", 1), headers),
				String.class);
	}

}
