package dev.resilience.spring.autoconfigure;

import java.time.Duration;

import dev.resilience.spring.support.DurationFormat;

/**
 * Thrown at startup when a {@code resilience.*} property is bound but its value is out of
 * the range the engine accepts. Names the full property (for an instance,
 * {@code resilience.circuit-breaker.instances.inventory.failure-rate-threshold}), the
 * value and the requirement it breaks. The property names the layer that supplied the
 * value ({@code defaults} or the instance); when an instance's own keys make a value it
 * inherits from {@code defaults} invalid, {@link #getInheritedBy()} names that instance.
 * {@link InvalidResiliencePropertyFailureAnalyzer} turns it into the startup report.
 * <p>
 * Immutable.
 */
public class InvalidResiliencePropertyException extends RuntimeException {

	private final String propertyName;

	private final String value;

	private final String requirement;

	private final String inheritedBy;

	/**
	 * @param propertyName full name of the offending property
	 * @param value its bound value (formatted for people: {@code 150}, {@code 500ms})
	 * @param requirement what would be accepted, phrased to follow the property name,
	 * such as {@code must be in (0, 100]}
	 */
	public InvalidResiliencePropertyException(String propertyName, Object value, String requirement) {
		this(propertyName, value, requirement, null, null);
	}

	public InvalidResiliencePropertyException(String propertyName, Object value, String requirement, Throwable cause) {
		this(propertyName, value, requirement, null, cause);
	}

	/**
	 * @param inheritedBy the instance group ({@code resilience.retry.instances.payments})
	 * that inherits the offending value from {@code defaults} and, by its own keys, makes
	 * it invalid; {@code null} when the property's own layer is at fault
	 */
	public InvalidResiliencePropertyException(String propertyName, Object value, String requirement, String inheritedBy,
			Throwable cause) {
		super(message(propertyName, format(value), requirement, inheritedBy), cause);
		this.propertyName = propertyName;
		this.value = format(value);
		this.requirement = requirement;
		this.inheritedBy = inheritedBy;
	}

	private static String message(String propertyName, String value, String requirement, String inheritedBy) {
		String inherited = (inheritedBy != null) ? " as inherited by '" + inheritedBy + "'" : "";
		return "Invalid value '" + value + "' for '" + propertyName + "'" + inherited + ": " + requirement;
	}

	/** Full name of the offending property. */
	public String getPropertyName() {
		return this.propertyName;
	}

	/**
	 * The offending value as configured, formatted the way it could be written in YAML.
	 */
	public String getValue() {
		return this.value;
	}

	/** What would be accepted, such as {@code must be in (0, 100]}. */
	public String getRequirement() {
		return this.requirement;
	}

	/**
	 * The instance group that inherits the offending value from {@code defaults} and
	 * whose own keys make it invalid (the value is fine for {@code defaults} itself), or
	 * {@code null} when the property's own layer is at fault.
	 */
	public String getInheritedBy() {
		return this.inheritedBy;
	}

	static String format(Object value) {
		if (value == null) {
			return "";
		}
		if (value instanceof Float || value instanceof Double) {
			double number = ((Number) value).doubleValue();
			if (number == Math.rint(number) && !Double.isInfinite(number) && Math.abs(number) < 1e15) {
				return Long.toString((long) number);
			}
			return value.toString();
		}
		if (value instanceof Duration duration) {
			return DurationFormat.inLargestUnit(duration);
		}
		if (value instanceof Class<?> type) {
			return type.getName();
		}
		if (value instanceof Enum<?> constant) {
			return constant.name().toLowerCase().replace('_', '-');
		}
		return value.toString();
	}

}
