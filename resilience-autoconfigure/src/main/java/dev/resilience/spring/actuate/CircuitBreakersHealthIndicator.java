package dev.resilience.spring.actuate;

import java.util.Map;
import java.util.Objects;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

import dev.resilience.ResilienceRegistry;

/**
 * Health of the circuit breakers of a {@link ResilienceRegistry} (Boot 3.5 line), with
 * the details of {@link ResilienceHealth#circuitBreakers}. The status is {@code UP}
 * unless a breaker is {@code OPEN} or {@code FORCED_OPEN}; then it is the configured open
 * status, {@code UP} by default, so that an outage downstream does not make an
 * orchestrator restart or unroute this service. Thread-safe; each call reads the
 * breakers' live state.
 */
public class CircuitBreakersHealthIndicator implements HealthIndicator {

	/**
	 * Custom status a breaker may report when open: aggregated between OUT_OF_SERVICE and
	 * UP.
	 */
	public static final Status CIRCUIT_OPEN = new Status(ResilienceHealth.CIRCUIT_OPEN);

	private final ResilienceRegistry registry;

	private final Status openStatus;

	/**
	 * @param registry the breakers to report on
	 * @param openStatus the status reported when at least one breaker is open or forced
	 * open
	 */
	public CircuitBreakersHealthIndicator(ResilienceRegistry registry, Status openStatus) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.openStatus = Objects.requireNonNull(openStatus, "openStatus");
	}

	@Override
	public Health health() {
		Map<String, Object> details = ResilienceHealth.circuitBreakers(this.registry);
		Status status = ResilienceHealth.anyCircuitOpen(details) ? this.openStatus : Status.UP;
		return Health.status(status).withDetails(details).build();
	}

}
