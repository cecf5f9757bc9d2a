package dev.resilience.spring.actuate;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Registers the health status order of {@link CircuitOpenStatusDefaults} on the Boot 4
 * line.
 */
public class CircuitOpenStatusEnvironmentPostProcessor implements EnvironmentPostProcessor {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		CircuitOpenStatusDefaults.apply(environment);
	}

}
