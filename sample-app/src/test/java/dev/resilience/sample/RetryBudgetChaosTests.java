package dev.resilience.sample;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.resilience.retry.Retry;
import dev.resilience.sample.inventory.Availability;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failing inventory does not get {@code max-attempts} times the load: once the retry
 * budget is spent, calls fail after their first attempt and the fallback answers. The
 * breaker is kept out of the way (it never has enough calls to judge) so that only the
 * budget limits the retries.
 */
@TestPropertySource(properties = { "resilience.circuit-breaker.instances.inventory.sliding-window-size=1000",
		"resilience.circuit-breaker.instances.inventory.minimum-number-of-calls=1000",
		"resilience.retry.instances.inventory.budget.enabled=true",
		"resilience.retry.instances.inventory.budget.ratio=" + RetryBudgetChaosTests.RATIO,
		"resilience.retry.instances.inventory.budget.min-retries-per-second=0",
		"resilience.retry.instances.inventory.budget.window=60s" })
class RetryBudgetChaosTests extends WireMockDownstreamTests {

	static final double RATIO = 0.1;

	private static final int CALLS = 20;

	@Test
	void retriesStopWhenTheBudgetIsSpent() {
		downstream.stubFor(get(urlPathMatching("/inventory/.*")).willReturn(serverError()));
		Retry retry = this.registry.getRetries()
			.stream()
			.filter((candidate) -> candidate.getName().equals("inventory"))
			.findFirst()
			.orElseThrow();

		for (int call = 0; call < CALLS; call++) {
			assertThat(availability("SKU-1")).isEqualTo(new Availability("SKU-1", 0, "fallback"));
		}

		// at most RATIO of the calls may add a retry: 2 here, where an unlimited retry
		// would make 40
		int budget = (int) Math.ceil(RATIO * CALLS);
		int requests = requestsMatching(getRequestedFor(urlPathMatching("/inventory/.*")));
		assertThat(requests).isBetween(CALLS + 1, CALLS + budget);
		assertThat(retry.getMetrics().getNumberOfRetryAttempts()).isEqualTo(requests - CALLS);
		assertThat(retry.getMetrics().getNumberOfBudgetExhaustedCalls()).isGreaterThanOrEqualTo(CALLS - budget);
	}

}
