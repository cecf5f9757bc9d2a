package dev.resilience.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import dev.resilience.ResilienceRegistry;
import dev.resilience.retry.Retry;

/**
 * Counters of the retries of a {@link ResilienceRegistry}, one detail per retry keyed by its
 * name: {@code successfulWithoutRetry}, {@code successfulWithRetry}, {@code failedWithRetry},
 * {@code failedWithoutRetry}, {@code retryAttempts} and {@code budgetExhausted}. Always
 * {@code UP}: retries describe the past, not whether this application can serve. Thread-safe.
 */
public class RetriesHealthIndicator implements HealthIndicator {

	private final ResilienceRegistry registry;

	public RetriesHealthIndicator(ResilienceRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	@Override
	public Health health() {
		Map<String, Object> details = new TreeMap<>();
		for (Retry retry : this.registry.getRetries()) {
			Retry.Metrics metrics = retry.getMetrics();
			Map<String, Object> counts = new LinkedHashMap<>();
			counts.put("successfulWithoutRetry", metrics.getNumberOfSuccessfulCallsWithoutRetryAttempt());
			counts.put("successfulWithRetry", metrics.getNumberOfSuccessfulCallsWithRetryAttempt());
			counts.put("failedWithRetry", metrics.getNumberOfFailedCallsWithRetryAttempt());
			counts.put("failedWithoutRetry", metrics.getNumberOfFailedCallsWithoutRetryAttempt());
			counts.put("retryAttempts", metrics.getNumberOfRetryAttempts());
			counts.put("budgetExhausted", metrics.getNumberOfBudgetExhaustedCalls());
			details.put(retry.getName(), counts);
		}
		return Health.up().withDetails(details).build();
	}

}
