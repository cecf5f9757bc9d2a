package dev.resilience.spring.autoconfigure;

import java.time.Duration;

/**
 * Settings of a rate limiter, bound both from {@code resilience.rate-limiter.defaults}
 * and from each {@code resilience.rate-limiter.instances.<name>}. A {@code null} field is
 * a key left unset: an instance then inherits the value of {@code defaults}, and
 * {@code defaults} the engine's default (documented in the configuration metadata).
 * Ranges are the engine's, checked when {@link ResilienceConfigurations} builds the
 * configuration.
 * <p>
 * Mutable and not thread-safe, as every bound properties object.
 */
public class RateLimiterSettings {

	/**
	 * Number of calls permitted per refresh period. At least 1.
	 */
	private Integer limitForPeriod;

	/**
	 * Length of one period; each period starts with limit-for-period permits. Must be
	 * positive.
	 */
	private Duration limitRefreshPeriod;

	/**
	 * Longest time a call over the limit waits for a permit before it is refused; 0
	 * refuses at once.
	 */
	private Duration timeoutDuration;

	public Integer getLimitForPeriod() {
		return this.limitForPeriod;
	}

	public void setLimitForPeriod(Integer limitForPeriod) {
		this.limitForPeriod = limitForPeriod;
	}

	public Duration getLimitRefreshPeriod() {
		return this.limitRefreshPeriod;
	}

	public void setLimitRefreshPeriod(Duration limitRefreshPeriod) {
		this.limitRefreshPeriod = limitRefreshPeriod;
	}

	public Duration getTimeoutDuration() {
		return this.timeoutDuration;
	}

	public void setTimeoutDuration(Duration timeoutDuration) {
		this.timeoutDuration = timeoutDuration;
	}

}
