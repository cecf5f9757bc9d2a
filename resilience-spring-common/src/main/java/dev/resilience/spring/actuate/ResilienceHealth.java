package dev.resilience.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.lang.Nullable;

import dev.resilience.ResilienceRegistry;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.retry.Retry;
import dev.resilience.spring.support.DurationFormat;
import dev.resilience.timeout.Timeout;
import dev.resilience.timeout.TimeoutConfig;

/**
 * What the health contributors {@code circuitBreakers}, {@code retries},
 * {@code bulkheads}, {@code rateLimiters} and {@code timeouts} report, read from a
 * {@link ResilienceRegistry} without Spring Boot's health API, which each Boot line has
 * in its own package: the contributors of each line only wrap these details in that
 * line's {@code Health}. Details are keyed by instance name, sorted; each call reads live
 * state.
 */
public final class ResilienceHealth {

	/**
	 * The name of the custom status an open breaker may report: aggregated between
	 * OUT_OF_SERVICE and UP.
	 */
	public static final String CIRCUIT_OPEN = "CIRCUIT_OPEN";

	private ResilienceHealth() {
	}

	/**
	 * Whether any breaker is {@code OPEN} or {@code FORCED_OPEN}. A {@code HALF_OPEN}
	 * breaker counts as closed: it is letting trial calls through, and reporting it as
	 * down would flap the status on every recovery attempt.
	 */
	public static boolean anyCircuitOpen(Map<String, Object> circuitBreakerDetails) {
		for (Object details : circuitBreakerDetails.values()) {
			Object state = ((Map<?, ?>) details).get("state");
			if (CircuitBreaker.State.OPEN.name().equals(state)
					|| CircuitBreaker.State.FORCED_OPEN.name().equals(state)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The slow-call threshold a breaker learned ({@code adaptive-slow-call}), in
	 * milliseconds rounded up ({@code 63ms}), or {@code null} when the feature is off or
	 * nothing was learned yet.
	 */
	public static @Nullable String learnedSlowCallThreshold(CircuitBreaker.Metrics metrics) {
		long nanos = metrics.getAdaptiveSlowCallThresholdNanos();
		if (nanos < 0) {
			return null;
		}
		long millis = (nanos / 1_000_000) + ((nanos % 1_000_000 != 0) ? 1 : 0);
		return millis + "ms";
	}

	/**
	 * One entry per breaker: {@code state}, {@code failureRate}, {@code slowCallRate},
	 * {@code bufferedCalls}, {@code failedCalls} and {@code notPermittedCalls}.
	 */
	public static Map<String, Object> circuitBreakers(ResilienceRegistry registry) {
		Map<String, Object> details = new TreeMap<>();
		for (CircuitBreaker breaker : registry.getCircuitBreakers()) {
			CircuitBreaker.Metrics metrics = breaker.getMetrics();
			Map<String, Object> one = new LinkedHashMap<>();
			one.put("state", breaker.getState().name());
			one.put("failureRate", metrics.getFailureRate());
			one.put("slowCallRate", metrics.getSlowCallRate());
			one.put("bufferedCalls", metrics.getNumberOfBufferedCalls());
			one.put("failedCalls", metrics.getNumberOfFailedCalls());
			one.put("notPermittedCalls", metrics.getNumberOfNotPermittedCalls());
			if (breaker.getConfig().isAdaptiveSlowCallEnabled()) {
				one.put("learnedSlowCallThreshold", learnedSlowCallThreshold(metrics));
			}
			details.put(breaker.getName(), one);
		}
		return details;
	}

	/**
	 * One entry per retry: {@code successfulWithoutRetry}, {@code successfulWithRetry},
	 * {@code failedWithRetry}, {@code failedWithoutRetry}, {@code retryAttempts} and
	 * {@code budgetExhausted}.
	 */
	public static Map<String, Object> retries(ResilienceRegistry registry) {
		Map<String, Object> details = new TreeMap<>();
		for (Retry retry : registry.getRetries()) {
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
		return details;
	}

	/**
	 * One entry per bulkhead, of every kind: {@code availableConcurrentCalls},
	 * {@code maxConcurrentCalls} and {@code limit} (an adaptive bulkhead's current limit,
	 * which is then also its {@code maxConcurrentCalls}; the configured maximum
	 * otherwise).
	 */
	public static Map<String, Object> bulkheads(ResilienceRegistry registry) {
		Map<String, Object> details = new TreeMap<>();
		for (Bulkhead bulkhead : registry.getBulkheads()) {
			details.put(bulkhead.getName(), occupancy(bulkhead.getMetrics()));
		}
		return details;
	}

	/**
	 * One entry per rate limiter: {@code availablePermissions} (negative while calls wait
	 * for permits of later periods; for a cluster limiter, as its store said at its last
	 * decision), {@code limitForPeriod}, {@code limitRefreshPeriod} and {@code scope}
	 * ({@code instance} or {@code cluster}); a cluster limiter adds
	 * {@code storeAvailable}.
	 */
	public static Map<String, Object> rateLimiters(ResilienceRegistry registry) {
		Map<String, Object> details = new TreeMap<>();
		for (RateLimiter rateLimiter : registry.getRateLimiters()) {
			RateLimiterConfig config = rateLimiter.getConfig();
			Map<String, Object> one = new LinkedHashMap<>();
			one.put("availablePermissions", rateLimiter.getMetrics().getAvailablePermissions());
			one.put("limitForPeriod", config.getLimitForPeriod());
			one.put("limitRefreshPeriod", DurationFormat.inSecondsOrFiner(config.getLimitRefreshPeriod()));
			one.put("scope", config.getScope().name().toLowerCase(Locale.ROOT));
			if (config.getScope() == RateLimiterConfig.Scope.CLUSTER) {
				one.put("storeAvailable", rateLimiter.getMetrics().isStoreAvailable());
			}
			details.put(rateLimiter.getName(), one);
		}
		return details;
	}

	/**
	 * One entry per timeout, its configuration: {@code duration} and {@code interrupt}.
	 */
	public static Map<String, Object> timeouts(ResilienceRegistry registry) {
		Map<String, Object> details = new TreeMap<>();
		for (Timeout timeout : registry.getTimeouts()) {
			TimeoutConfig config = timeout.getConfig();
			Map<String, Object> one = new LinkedHashMap<>();
			one.put("duration", DurationFormat.inSecondsOrFiner(config.getDuration()));
			one.put("interrupt", config.isInterrupt());
			details.put(timeout.getName(), one);
		}
		return details;
	}

	private static Map<String, Object> occupancy(Bulkhead.Metrics metrics) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("availableConcurrentCalls", metrics.getAvailableConcurrentCalls());
		details.put("maxConcurrentCalls", metrics.getMaxAllowedConcurrentCalls());
		details.put("limit", metrics.getLimit());
		return details;
	}

}
