package dev.resilience.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

import dev.resilience.ResilienceRegistry;
import dev.resilience.circuitbreaker.CircuitBreaker;

/**
 * Health of the circuit breakers of a {@link ResilienceRegistry}: one detail per breaker, keyed
 * by its name, with {@code state}, {@code failureRate}, {@code slowCallRate},
 * {@code bufferedCalls}, {@code failedCalls} and {@code notPermittedCalls}.
 * <p>
 * The status is {@code UP} unless a breaker is {@code OPEN} or {@code FORCED_OPEN}; then it is
 * the configured open status, which is {@code UP} by default so that an outage downstream does
 * not make an orchestrator restart or unroute this service. A {@code HALF_OPEN} breaker counts as
 * closed: it is letting trial calls through, and reporting it as down would flap the status on
 * every recovery attempt. Thread-safe; each call reads the breakers' live state.
 */
public class CircuitBreakersHealthIndicator implements HealthIndicator {

	/** Custom status a breaker may report when open: aggregated between OUT_OF_SERVICE and UP. */
	public static final Status CIRCUIT_OPEN = new Status("CIRCUIT_OPEN");

	private final ResilienceRegistry registry;

	private final Status openStatus;

	/**
	 * @param registry the breakers to report on
	 * @param openStatus the status reported when at least one breaker is open or forced open
	 */
	public CircuitBreakersHealthIndicator(ResilienceRegistry registry, Status openStatus) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.openStatus = Objects.requireNonNull(openStatus, "openStatus");
	}

	@Override
	public Health health() {
		Map<String, Object> details = new TreeMap<>();
		boolean open = false;
		for (CircuitBreaker breaker : this.registry.getCircuitBreakers()) {
			CircuitBreaker.State state = breaker.getState();
			open |= (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN);
			details.put(breaker.getName(), details(breaker, state));
		}
		return Health.status(open ? this.openStatus : Status.UP).withDetails(details).build();
	}

	private static Map<String, Object> details(CircuitBreaker breaker, CircuitBreaker.State state) {
		CircuitBreaker.Metrics metrics = breaker.getMetrics();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", state.name());
		details.put("failureRate", metrics.getFailureRate());
		details.put("slowCallRate", metrics.getSlowCallRate());
		details.put("bufferedCalls", metrics.getNumberOfBufferedCalls());
		details.put("failedCalls", metrics.getNumberOfFailedCalls());
		details.put("notPermittedCalls", metrics.getNumberOfNotPermittedCalls());
		return details;
	}

}
