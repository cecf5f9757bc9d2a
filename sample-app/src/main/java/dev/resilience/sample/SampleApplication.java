package dev.resilience.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A small order service that uses the resilience starter the way an application would: an
 * inventory client behind a circuit breaker, a retry and a fallback, recommendations
 * behind a bulkhead, and order placement made idempotent by the {@code Idempotency-Key}
 * header. By default it calls a simulated downstream served by this same application
 * under {@code /simulator}, whose faults are switched at runtime.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
