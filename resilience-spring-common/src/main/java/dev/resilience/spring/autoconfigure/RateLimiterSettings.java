package dev.resilience.spring.autoconfigure;

import java.time.Duration;

import dev.resilience.ratelimiter.RateLimiterConfig;

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

	/**
	 * Whose limit this is: "instance" (each application instance has its own) or
	 * "cluster" (every instance draws from one limit kept in Redis).
	 */
	private RateLimiterConfig.Scope scope;

	/**
	 * What a cluster-scope limiter does with a call while Redis does not answer: "allow"
	 * lets it through, "deny" refuses it. Counted as kind=store_unavailable either way.
	 */
	private RateLimiterConfig.OnStoreUnavailable onStoreUnavailable;

	/**
	 * Longest time a cluster-scope limiter waits for Redis to decide one permit before it
	 * treats Redis as unavailable. Positive, at most 5s.
	 */
	private Duration storeTimeout;

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

	public RateLimiterConfig.Scope getScope() {
		return this.scope;
	}

	public void setScope(RateLimiterConfig.Scope scope) {
		this.scope = scope;
	}

	public RateLimiterConfig.OnStoreUnavailable getOnStoreUnavailable() {
		return this.onStoreUnavailable;
	}

	public void setOnStoreUnavailable(RateLimiterConfig.OnStoreUnavailable onStoreUnavailable) {
		this.onStoreUnavailable = onStoreUnavailable;
	}

	public Duration getStoreTimeout() {
		return this.storeTimeout;
	}

	public void setStoreTimeout(Duration storeTimeout) {
		this.storeTimeout = storeTimeout;
	}

}
