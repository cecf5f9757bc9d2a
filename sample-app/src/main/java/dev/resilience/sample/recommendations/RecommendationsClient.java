package dev.resilience.sample.recommendations;

import java.util.List;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.Fallback;

/**
 * Client of the downstream recommendations. Recommendations are optional on a page, so a
 * slow recommendations service must not take every request thread with it: the
 * {@code recommendations} bulkhead caps the calls in flight, and a refused or failed call
 * answers an empty list.
 * <p>
 * Thread-safe.
 */
@Component
public class RecommendationsClient {

	private static final ParameterizedTypeReference<List<Recommendation>> LIST = new ParameterizedTypeReference<>() {
	};

	private final RestClient restClient;

	public RecommendationsClient(RestClient downstreamRestClient) {
		this.restClient = downstreamRestClient;
	}

	@Bulkhead(name = "recommendations")
	@Fallback(method = "noRecommendations")
	public List<Recommendation> recommendations() {
		List<Recommendation> recommendations = this.restClient.get().uri("/recommendations").retrieve().body(LIST);
		return (recommendations != null) ? recommendations : List.of();
	}

	private List<Recommendation> noRecommendations(Throwable failure) {
		return List.of();
	}

}
