package dev.resilience.spring.actuate;

import java.util.Map;
import java.util.Objects;

import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The HTTP side of the {@link ResilienceEndpoint}'s write operation: {@code POST
 * /actuator/resilience/circuit-breakers/{name}} with {@code {"state": "FORCED_OPEN"}} (or
 * {@code CLOSED}, {@code DISABLED}) answers 200 with the breaker's new state; 403 when
 * {@code resilience.actuator.state-changes-enabled} is not {@code true}, 404 for a name
 * no breaker has (or a kind other than {@code circuit-breakers}), 400 for another state,
 * each with a {@code message} and without changing or creating anything. {@code POST
 * /actuator/resilience/chaos/{name}} is answered before this operation, by
 * {@link ChaosOperationInvokerAdvisor}. Thread-safe.
 */
@EndpointWebExtension(endpoint = ResilienceEndpoint.class)
public class ResilienceEndpointWebExtension {

	private static final String CIRCUIT_BREAKERS = "circuit-breakers";

	private final ResilienceEndpoint endpoint;

	public ResilienceEndpointWebExtension(ResilienceEndpoint endpoint) {
		this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
	}

	@WriteOperation
	public WebEndpointResponse<Object> changeState(@Selector String kind, @Selector String name, String state) {
		if (!CIRCUIT_BREAKERS.equals(kind)) {
			return new WebEndpointResponse<>(
					Map.of("message",
							"Only circuit-breakers change state; '" + kind + "' is not a kind of instance that does"),
					WebEndpointResponse.STATUS_NOT_FOUND);
		}
		ResilienceEndpoint.StateChange change = this.endpoint.changeCircuitBreakerState(name, state);
		return switch (change.result()) {
			case CHANGED -> new WebEndpointResponse<>(change.circuitBreaker(), WebEndpointResponse.STATUS_OK);
			case DISABLED -> new WebEndpointResponse<>(Map.of("message", change.message()), 403);
			case NOT_FOUND ->
				new WebEndpointResponse<>(Map.of("message", change.message()), WebEndpointResponse.STATUS_NOT_FOUND);
			case INVALID_STATE ->
				new WebEndpointResponse<>(Map.of("message", change.message()), WebEndpointResponse.STATUS_BAD_REQUEST);
		};
	}

}
