package dev.resilience.spring.actuate;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Registers the health status order of {@link CircuitOpenStatusDefaults} on the Boot 3.5
 * line.
 */
public class CircuitOpenStatusEnvironmentPostProcessor implements EnvironmentPostProcessor {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		CircuitOpenStatusDefaults.apply(environment);
	}

}
