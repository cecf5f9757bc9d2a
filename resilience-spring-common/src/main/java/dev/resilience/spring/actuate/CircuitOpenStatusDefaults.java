package dev.resilience.spring.actuate;

import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * When {@code resilience.health.circuit-open-status} is {@code CIRCUIT_OPEN}, gives
 * {@code management.endpoint.health.status.order} a default that ranks the custom status
 * between {@code OUT_OF_SERVICE} and {@code UP}, so that the application's aggregated
 * status shows it (Spring Boot's default order ignores statuses it does not list). The
 * default is added with the lowest precedence: an order the application sets wins. The
 * HTTP status stays 200, as for any status Spring Boot does not map: the application
 * still serves; map {@code CIRCUIT_OPEN} with
 * {@code management.endpoint.health.status.http-mapping.circuit-open=503} to change it.
 * <p>
 * Each Boot line registers an {@code EnvironmentPostProcessor} of its own (the interface
 * moved package in Boot 4) that calls {@link #apply}.
 */
public final class CircuitOpenStatusDefaults {

	static final String PROPERTY_SOURCE_NAME = "resilienceHealthStatusOrder";

	static final String STATUS_ORDER = "DOWN,OUT_OF_SERVICE,CIRCUIT_OPEN,UP,UNKNOWN";

	private CircuitOpenStatusDefaults() {
	}

	/**
	 * Adds the default status order to {@code environment} when the open status is
	 * {@code CIRCUIT_OPEN}.
	 */
	public static void apply(ConfigurableEnvironment environment) {
		String status = Binder.get(environment)
			.bind("resilience.health.circuit-open-status", String.class)
			.orElse("UP");
		if (!normalize(status).equals("CIRCUITOPEN")) {
			return;
		}
		environment.getPropertySources()
			.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME,
					Map.of("management.endpoint.health.status.order", STATUS_ORDER)));
	}

	private static String normalize(String value) {
		StringBuilder normalized = new StringBuilder();
		for (char c : value.toCharArray()) {
			if (Character.isLetterOrDigit(c)) {
				normalized.append(Character.toUpperCase(c));
			}
		}
		return normalized.toString();
	}

}
