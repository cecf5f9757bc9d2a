package dev.resilience.sample;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.sample.recommendations.Recommendation;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /recommendations} with a slow downstream: the bulkhead lets at most
 * {@code max-concurrent-calls} requests wait on it; the others answer an empty list at
 * once.
 */
class RecommendationsBulkheadTests extends WireMockDownstreamTests {

	private static final int REQUESTS = 6;

	@Test
	void concurrentCallsBeyondTheLimitAnswerAnEmptyListWithoutReachingTheDownstream() throws Exception {
		downstream.stubFor(get("/recommendations")
			.willReturn(okJson("[{\"sku\": \"SKU-9\", \"title\": \"Grinder\"}]").withFixedDelay(1500)));
		Bulkhead bulkhead = this.registry.getBulkheads()
			.stream()
			.filter((candidate) -> candidate.getName().equals("recommendations"))
			.findFirst()
			.orElseThrow();
		long rejectedBefore = bulkhead.getMetrics().getNumberOfRejectedCalls();

		List<ResponseEntity<Recommendation[]>> responses = concurrently(REQUESTS,
				() -> this.http.getForEntity("/recommendations", Recommendation[].class));

		assertThat(responses).allSatisfy((response) -> assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK));
		List<List<Recommendation>> bodies = responses.stream()
			.map((response) -> Arrays.asList(response.getBody()))
			.toList();
		long served = bodies.stream().filter((body) -> !body.isEmpty()).count();
		int downstreamRequests = requestsMatching(getRequestedFor(urlPathEqualTo("/recommendations")));
		assertThat(downstreamRequests).isBetween(1, MAX_CONCURRENT_RECOMMENDATIONS);
		assertThat(served).isEqualTo(downstreamRequests);
		assertThat(bodies).filteredOn(List::isEmpty).hasSize(REQUESTS - downstreamRequests);
		assertThat(bodies).filteredOn((body) -> !body.isEmpty())
			.allSatisfy((body) -> assertThat(body).containsExactly(new Recommendation("SKU-9", "Grinder")));
		assertThat(bulkhead.getMetrics().getNumberOfRejectedCalls() - rejectedBefore)
			.isEqualTo(REQUESTS - downstreamRequests);
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(MAX_CONCURRENT_RECOMMENDATIONS);
	}

}
