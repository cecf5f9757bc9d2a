package dev.resilience.spring.autoconfigure;

import java.time.Duration;

/**
 * Settings of a timeout, bound both from {@code resilience.timeout.defaults} and from
 * each {@code resilience.timeout.instances.<name>}. A {@code null} field is a key left
 * unset: an instance then inherits the value of {@code defaults}, and {@code defaults}
 * the engine's default (documented in the configuration metadata). Ranges are the
 * engine's, checked when {@link ResilienceConfigurations} builds the configuration.
 * <p>
 * Mutable and not thread-safe, as every bound properties object.
 */
public class TimeoutSettings {

	/**
	 * Longest time a call may take; each retry attempt has its own. Must be positive.
	 */
	private Duration duration;

	/**
	 * Whether the thread of a synchronous call is interrupted at the deadline. Either way
	 * the call fails with TimeoutExceededException once it returns or throws.
	 */
	private Boolean interrupt;

	public Duration getDuration() {
		return this.duration;
	}

	public void setDuration(Duration duration) {
		this.duration = duration;
	}

	public Boolean getInterrupt() {
		return this.interrupt;
	}

	public void setInterrupt(Boolean interrupt) {
		this.interrupt = interrupt;
	}

}
