package dev.resilience.spring.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.resilience.spring.idempotency.IdempotencyJson;
import dev.resilience.spring.idempotency.JacksonIdempotencyJson;

/**
 * What the tests shared by both Boot lines need from the line they run on: the Boot 3.5
 * line's auto-configuration class names and JSON. The Boot 4 line has a class of the same
 * name.
 */
public final class BootLine {

	public static final String JACKSON = "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration";

	public static final String DATA_SOURCE = "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration";

	public static final String JDBC_TEMPLATE = "org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration";

	public static final String DATA_SOURCE_TRANSACTION_MANAGER = "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration";

	public static final String TRANSACTION = "org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration";

	public static final String METRICS = "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration";

	public static final String COMPOSITE_METER_REGISTRY = "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration";

	public static final String SIMPLE_METRICS_EXPORT = "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration";

	/**
	 * Spring Security's auto-configurations, excluded by tests that read the endpoints
	 * openly.
	 */
	public static final String SECURITY = "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration,"
			+ "org.springframework.boot.actuate.autoconfigure.security.servlet.ManagementWebSecurityAutoConfiguration,"
			+ "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration";

	/**
	 * The health API's indicator type; Boot 4 moved the health API to a package of its
	 * own.
	 */
	public static final String HEALTH_INDICATOR = "org.springframework.boot.actuate.health.HealthIndicator";

	public static final String HEALTH_ENABLEMENT_CONDITION = "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator";

	private BootLine() {
	}

	/** Idempotency JSON from a default mapper of this line's Jackson. */
	public static IdempotencyJson idempotencyJson() {
		return new JacksonIdempotencyJson(new ObjectMapper());
	}

	/** What a health indicator of this line reports, without naming the line's types. */
	public static HealthView health(Object indicator) {
		org.springframework.boot.actuate.health.Health health = ((org.springframework.boot.actuate.health.HealthIndicator) indicator)
			.health();
		return new HealthView(health.getStatus().getCode(), health.getDetails());
	}

	/**
	 * An indicator of this line that is always up, as an application would define one.
	 */
	public static Object upHealthIndicator() {
		return (org.springframework.boot.actuate.health.HealthIndicator) () -> org.springframework.boot.actuate.health.Health
			.up()
			.build();
	}

	/** The class of the given name, for {@code AutoConfigurations.of(...)}. */
	public static Class<?> type(String name) {
		try {
			return Class.forName(name);
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException(name + " is not on this line's test classpath", ex);
		}
	}

	/** A health indicator's status code and details. */
	public record HealthView(String status, java.util.Map<String, Object> details) {
	}

}
