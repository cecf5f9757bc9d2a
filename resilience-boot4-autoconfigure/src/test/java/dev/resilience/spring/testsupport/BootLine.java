package dev.resilience.spring.testsupport;

import tools.jackson.databind.json.JsonMapper;

import dev.resilience.spring.idempotency.IdempotencyJson;
import dev.resilience.spring.idempotency.JacksonIdempotencyJson;

/**
 * What the tests shared by both Boot lines need from the line they run on: the Boot 4
 * line's auto-configuration class names (Boot 4 moved them into one module per
 * technology) and JSON (Jackson 3). The Boot 3.5 line has a class of the same name.
 */
public final class BootLine {

	public static final String JACKSON = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration";

	public static final String DATA_SOURCE = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

	public static final String JDBC_TEMPLATE = "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration";

	public static final String DATA_SOURCE_TRANSACTION_MANAGER = "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration";

	public static final String TRANSACTION = "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration";

	public static final String METRICS = "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration";

	public static final String COMPOSITE_METER_REGISTRY = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration";

	public static final String SIMPLE_METRICS_EXPORT = "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration";

	/**
	 * Spring Security's auto-configurations, excluded by tests that read the endpoints
	 * openly.
	 */
	public static final String SECURITY = "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration";

	/**
	 * The health API's indicator type; Boot 4 moved the health API to a package of its
	 * own.
	 */
	public static final String HEALTH_INDICATOR = "org.springframework.boot.health.contributor.HealthIndicator";

	public static final String HEALTH_ENABLEMENT_CONDITION = "org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator";

	private BootLine() {
	}

	/** Idempotency JSON from a default mapper of this line's Jackson. */
	public static IdempotencyJson idempotencyJson() {
		return new JacksonIdempotencyJson(JsonMapper.builder().build());
	}

	/** What a health indicator of this line reports, without naming the line's types. */
	public static HealthView health(Object indicator) {
		org.springframework.boot.health.contributor.Health health = ((org.springframework.boot.health.contributor.HealthIndicator) indicator)
			.health();
		return new HealthView(health.getStatus().getCode(), health.getDetails());
	}

	/**
	 * An indicator of this line that is always up, as an application would define one.
	 */
	public static Object upHealthIndicator() {
		return (org.springframework.boot.health.contributor.HealthIndicator) () -> org.springframework.boot.health.contributor.Health
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
