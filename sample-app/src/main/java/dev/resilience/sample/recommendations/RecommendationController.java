package dev.resilience.sample.recommendations;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /recommendations}: always {@code 200}, an empty array when none could be had
 * in time.
 */
@RestController
public class RecommendationController {

	private final RecommendationsClient recommendations;

	public RecommendationController(RecommendationsClient recommendations) {
		this.recommendations = recommendations;
	}

	@GetMapping("/recommendations")
	public List<Recommendation> recommendations() {
		return this.recommendations.recommendations();
	}

}
