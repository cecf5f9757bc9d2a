package dev.resilience.spring.observation;

import java.util.Objects;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;

/**
 * One event of a resilience pattern on the current {@link Observation}, such as a retry
 * or a circuit breaker's refusal. Its {@linkplain #getName() name} says what happened
 * ({@code resilience.retry}, {@code resilience.circuitbreaker.not_permitted}); its
 * {@linkplain #getContextualName() contextual name}, which Micrometer Tracing shows as
 * the span event, adds the instance and the event's other keys as {@code key=value}
 * pairs: {@code resilience.retry name=inventory attempt=2 exception=IOException}. The
 * same keys are available to an {@code ObservationHandler} through
 * {@link #getKeyValues()}.
 * <p>
 * Every key is of low cardinality: the pattern, the instance name, states, attempt
 * numbers bounded by the configuration, fault kinds and exception class names. No
 * argument, idempotency key or exception message is ever part of an event.
 * <p>
 * Immutable. The wall time is left to the handler (0), so one event may be reused.
 */
public final class ResilienceObservationEvent implements Observation.Event {

	private final String name;

	private final String contextualName;

	private final KeyValues keyValues;

	ResilienceObservationEvent(String name, String pattern, String instance, String... extraKeysAndValues) {
		this.name = Objects.requireNonNull(name, "name");
		KeyValues keyValues = KeyValues.of(KeyValue.of("pattern", pattern), KeyValue.of("name", instance));
		StringBuilder contextualName = new StringBuilder(name).append(" name=").append(instance);
		for (int i = 0; i < extraKeysAndValues.length; i += 2) {
			keyValues = keyValues.and(extraKeysAndValues[i], extraKeysAndValues[i + 1]);
			contextualName.append(' ').append(extraKeysAndValues[i]).append('=').append(extraKeysAndValues[i + 1]);
		}
		this.keyValues = keyValues;
		this.contextualName = contextualName.toString();
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public String getContextualName() {
		return this.contextualName;
	}

	/**
	 * The event's keys: {@code pattern} ({@code retry}, {@code circuitbreaker}, ...),
	 * {@code name} (the instance, or the method for a fallback) and the keys of its kind
	 * of event.
	 */
	public KeyValues getKeyValues() {
		return this.keyValues;
	}

	/** The pattern that reported the event: {@code retry}, {@code circuitbreaker}, ... */
	public String getPattern() {
		return value("pattern");
	}

	/** The instance that reported it; for a fallback, the protected method. */
	public String getInstanceName() {
		return value("name");
	}

	private String value(String key) {
		for (KeyValue keyValue : this.keyValues) {
			if (keyValue.getKey().equals(key)) {
				return keyValue.getValue();
			}
		}
		return null;
	}

	@Override
	public String toString() {
		return this.contextualName;
	}

}
