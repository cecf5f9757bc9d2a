package dev.resilience.sample.metrics;

import java.util.Map;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps {@code /actuator/prometheus} clean for {@code promtool check metrics}, which
 * refuses a series without help text. Spring Boot's HTTP and Tomcat session meters come
 * without a description, so this gives them one; the resilience meters carry their own.
 * (The meters whose names promtool finds badly formed are disabled in application.yml.)
 */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

	private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
			Map.entry("http.server.requests", "Duration of the HTTP requests this application answered"),
			Map.entry("http.server.requests.active", "HTTP requests this application is answering"),
			Map.entry("http.client.requests", "Duration of the HTTP requests this application made"),
			Map.entry("http.client.requests.active", "HTTP requests this application is making"),
			Map.entry("tomcat.sessions.active.current", "Active Tomcat sessions"),
			Map.entry("tomcat.sessions.active.max", "Most Tomcat sessions active at once"),
			Map.entry("tomcat.sessions.alive.max", "Longest time a Tomcat session was alive"),
			Map.entry("tomcat.sessions.created", "Tomcat sessions created"),
			Map.entry("tomcat.sessions.expired", "Tomcat sessions expired"),
			Map.entry("tomcat.sessions.rejected", "Tomcat sessions refused because too many were active"));

	@Bean
	MeterFilter meterDescriptions() {
		return new MeterFilter() {

			@Override
			public Meter.Id map(Meter.Id id) {
				String description = DESCRIPTIONS.get(id.getName());
				if (description == null || (id.getDescription() != null && !id.getDescription().isEmpty())) {
					return id;
				}
				return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description,
						id.getType());
			}

		};
	}

}
