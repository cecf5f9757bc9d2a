package dev.resilience.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * Answers {@code POST /actuator/resilience/chaos/{name}} in front of the
 * {@link ResilienceEndpointWebExtension}'s write operation, whose path it shares. An
 * operation method can only take JSON fields named like Java parameters, while a chaos
 * change takes the YAML keys ({@code error-rate}, {@code latency-rate}) and must refuse a
 * field it does not know; the invocation's arguments hold the whole request body, so this
 * advisor reads them there and calls {@link ResilienceEndpoint#changeChaos}. Every other
 * request goes to the operation unchanged.
 * <p>
 * Answers: 200 with the instance's new settings; 403 when
 * {@code resilience.actuator.state-changes-enabled} is not {@code true}; 409 when chaos
 * is not enabled; 404 for a name no annotation uses; 400 naming the field for an unknown
 * field or a value not accepted. Thread-safe.
 */
public class ChaosOperationInvokerAdvisor implements OperationInvokerAdvisor {

	private static final EndpointId ENDPOINT = EndpointId.of("resilience");

	static final String KIND = "chaos";

	private final Supplier<ResilienceEndpoint> endpoint;

	/**
	 * @param endpoint the endpoint, looked up when a request comes
	 */
	public ChaosOperationInvokerAdvisor(Supplier<ResilienceEndpoint> endpoint) {
		this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
	}

	@Override
	public OperationInvoker apply(EndpointId endpointId, OperationType operationType, OperationParameters parameters,
			OperationInvoker invoker) {
		if (!ENDPOINT.equals(endpointId) || operationType != OperationType.WRITE
				|| parameters.stream().noneMatch((parameter) -> "kind".equals(parameter.getName()))) {
			return invoker;
		}
		return (context) -> {
			Map<String, Object> arguments = context.getArguments();
			if (!KIND.equals(arguments.get("kind"))) {
				return invoker.invoke(context);
			}
			Map<String, Object> fields = new LinkedHashMap<>(arguments);
			fields.remove("kind");
			String name = String.valueOf(fields.remove("name"));
			return respond(this.endpoint.get().changeChaos(name, fields));
		};
	}

	private static WebEndpointResponse<Object> respond(ResilienceEndpoint.ChaosChange change) {
		return switch (change.result()) {
			case CHANGED -> new WebEndpointResponse<>(change.chaos(), WebEndpointResponse.STATUS_OK);
			case DISABLED -> new WebEndpointResponse<>(Map.of("message", change.message()), 403);
			case CHAOS_DISABLED -> new WebEndpointResponse<>(Map.of("message", change.message()), 409);
			case NOT_FOUND ->
				new WebEndpointResponse<>(Map.of("message", change.message()), WebEndpointResponse.STATUS_NOT_FOUND);
			case INVALID -> new WebEndpointResponse<>(Map.of("message", change.message(), "field", change.field()),
					WebEndpointResponse.STATUS_BAD_REQUEST);
		};
	}

}
