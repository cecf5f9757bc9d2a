package dev.resilience.spring.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.resilience.retry.RetryConfig;

/**
 * Settings of a retry, bound both from {@code resilience.retry.defaults} and from each
 * {@code resilience.retry.instances.<name>}. A {@code null} field is a key left unset: an
 * instance then inherits the value of {@code defaults}, and {@code defaults} the engine's
 * default (documented in the configuration metadata). Ranges and the rules between keys
 * are the engine's, checked when {@link ResilienceConfigurations} builds the
 * configuration.
 * <p>
 * Mutable and not thread-safe, as every bound properties object.
 */
public class RetrySettings {

	/**
	 * Maximum number of attempts, the first call included. At least 1; 1 means no retry.
	 */
	private Integer maxAttempts;

	/**
	 * Wait before the first retry; later waits grow according to the backoff.
	 */
	private Duration waitDuration;

	/**
	 * How the wait grows from one retry to the next.
	 */
	private RetryConfig.Backoff backoff;

	/**
	 * Growth factor of exponential backoff. At least 1.0.
	 */
	private Double multiplier;

	/**
	 * Cap on any single wait between attempts. Not shorter than wait-duration.
	 */
	private Duration maxWaitDuration;

	/**
	 * Randomisation applied to each wait, spreading retries of concurrent callers.
	 */
	private RetryConfig.Jitter jitter;

	/**
	 * Exception classes (and their subclasses) that are retried. Empty means every
	 * exception not ignored is retried. An instance's list replaces the defaults' list.
	 */
	private List<Class<? extends Throwable>> retryExceptions;

	/**
	 * Exception classes (and their subclasses) that are never retried. Wins over
	 * retry-exceptions. An instance's list replaces the defaults' list.
	 */
	private List<Class<? extends Throwable>> ignoreExceptions;

	/**
	 * Whether a wait the failure carries (an HTTP Retry-After header, a rate limiter's
	 * next permit) lengthens the wait before the next attempt to it, no retry being made
	 * when it exceeds max-wait-duration.
	 */
	private Boolean respectRetryAfter;

	/**
	 * Retry budget, capping retries to a share of recent calls.
	 */
	private final Budget budget = new Budget();

	public Integer getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(Integer maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public Duration getWaitDuration() {
		return this.waitDuration;
	}

	public void setWaitDuration(Duration waitDuration) {
		this.waitDuration = waitDuration;
	}

	public RetryConfig.Backoff getBackoff() {
		return this.backoff;
	}

	public void setBackoff(RetryConfig.Backoff backoff) {
		this.backoff = backoff;
	}

	public Double getMultiplier() {
		return this.multiplier;
	}

	public void setMultiplier(Double multiplier) {
		this.multiplier = multiplier;
	}

	public Duration getMaxWaitDuration() {
		return this.maxWaitDuration;
	}

	public void setMaxWaitDuration(Duration maxWaitDuration) {
		this.maxWaitDuration = maxWaitDuration;
	}

	public RetryConfig.Jitter getJitter() {
		return this.jitter;
	}

	public void setJitter(RetryConfig.Jitter jitter) {
		this.jitter = jitter;
	}

	public List<Class<? extends Throwable>> getRetryExceptions() {
		return this.retryExceptions;
	}

	public void setRetryExceptions(List<Class<? extends Throwable>> retryExceptions) {
		this.retryExceptions = retryExceptions;
	}

	public List<Class<? extends Throwable>> getIgnoreExceptions() {
		return this.ignoreExceptions;
	}

	public void setIgnoreExceptions(List<Class<? extends Throwable>> ignoreExceptions) {
		this.ignoreExceptions = ignoreExceptions;
	}

	public Boolean getRespectRetryAfter() {
		return this.respectRetryAfter;
	}

	public void setRespectRetryAfter(Boolean respectRetryAfter) {
		this.respectRetryAfter = respectRetryAfter;
	}

	public Budget getBudget() {
		return this.budget;
	}

	/** Retry budget; a {@code null} key is unset and inherited like the others. */
	public static class Budget {

		/**
		 * Whether retries are capped to a share of recent calls.
		 */
		private Boolean enabled;

		/**
		 * Share of recent calls that retries may add as extra load. In (0, 1].
		 */
		private Double ratio;

		/**
		 * Retries per second always allowed, whatever the ratio. At least 0.
		 */
		private Integer minRetriesPerSecond;

		/**
		 * How far back recent calls are counted. At least 1s.
		 */
		private Duration window;

		public Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(Boolean enabled) {
			this.enabled = enabled;
		}

		public Double getRatio() {
			return this.ratio;
		}

		public void setRatio(Double ratio) {
			this.ratio = ratio;
		}

		public Integer getMinRetriesPerSecond() {
			return this.minRetriesPerSecond;
		}

		public void setMinRetriesPerSecond(Integer minRetriesPerSecond) {
			this.minRetriesPerSecond = minRetriesPerSecond;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

	}

}
