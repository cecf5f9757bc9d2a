package dev.resilience.spring.autoconfigure;

import java.util.Objects;

/**
 * The {@link ResilienceConfigurations} in force: those validated at startup, replaced by
 * a {@link ResilienceReconfigurer} when a change of {@code resilience.*} is applied. The
 * registry asks it for the configuration of an instance it creates, so that an instance
 * first used after a change gets the changed configuration. Thread-safe.
 */
public final class CurrentResilienceConfigurations {

	private volatile ResilienceConfigurations configurations;

	public CurrentResilienceConfigurations(ResilienceConfigurations configurations) {
		this.configurations = Objects.requireNonNull(configurations, "configurations");
	}

	/** The configurations in force. */
	public ResilienceConfigurations get() {
		return this.configurations;
	}

	void set(ResilienceConfigurations configurations) {
		this.configurations = Objects.requireNonNull(configurations, "configurations");
	}

}
