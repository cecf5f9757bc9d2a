package dev.resilience.ratelimiter;

import java.time.Duration;

import static dev.resilience.internal.Requirements.requireAtLeast;
import static dev.resilience.internal.Requirements.requireNonNegative;
import static dev.resilience.internal.Requirements.requirePositive;

/**
 * Immutable configuration of a {@link RateLimiter}. Built with {@link #custom()}; the
 * defaults are those of {@code resilience.rate-limiter.defaults}.
 */
public final class RateLimiterConfig {

	public static final int DEFAULT_LIMIT_FOR_PERIOD = 50;

	public static final Duration DEFAULT_LIMIT_REFRESH_PERIOD = Duration.ofSeconds(1);

	public static final Duration DEFAULT_TIMEOUT_DURATION = Duration.ZERO;

	private static final RateLimiterConfig DEFAULTS = custom().build();

	private final int limitForPeriod;

	private final Duration limitRefreshPeriod;

	private final Duration timeoutDuration;

	private RateLimiterConfig(Builder builder) {
		this.limitForPeriod = builder.limitForPeriod;
		this.limitRefreshPeriod = builder.limitRefreshPeriod;
		this.timeoutDuration = builder.timeoutDuration;
	}

	public static RateLimiterConfig ofDefaults() {
		return DEFAULTS;
	}

	public static Builder custom() {
		return new Builder();
	}

	public Builder toBuilder() {
		return new Builder().limitForPeriod(this.limitForPeriod)
			.limitRefreshPeriod(this.limitRefreshPeriod)
			.timeoutDuration(this.timeoutDuration);
	}

	/** Permits handed out per refresh period. */
	public int getLimitForPeriod() {
		return this.limitForPeriod;
	}

	/**
	 * Length of one period; each period starts with {@link #getLimitForPeriod()} permits.
	 */
	public Duration getLimitRefreshPeriod() {
		return this.limitRefreshPeriod;
	}

	/**
	 * How long a call may wait for a permit before it is refused; zero refuses at once.
	 */
	public Duration getTimeoutDuration() {
		return this.timeoutDuration;
	}

	@Override
	public String toString() {
		return "RateLimiterConfig[limitForPeriod=" + this.limitForPeriod + ", limitRefreshPeriod="
				+ this.limitRefreshPeriod + ", timeoutDuration=" + this.timeoutDuration + "]";
	}

	/** Builder; each setter validates its argument. */
	public static final class Builder {

		private int limitForPeriod = DEFAULT_LIMIT_FOR_PERIOD;

		private Duration limitRefreshPeriod = DEFAULT_LIMIT_REFRESH_PERIOD;

		private Duration timeoutDuration = DEFAULT_TIMEOUT_DURATION;

		private Builder() {
		}

		public Builder limitForPeriod(int limitForPeriod) {
			this.limitForPeriod = requireAtLeast(limitForPeriod, 1, "limitForPeriod");
			return this;
		}

		public Builder limitRefreshPeriod(Duration limitRefreshPeriod) {
			this.limitRefreshPeriod = requirePositive(limitRefreshPeriod, "limitRefreshPeriod");
			return this;
		}

		public Builder timeoutDuration(Duration timeoutDuration) {
			this.timeoutDuration = requireNonNegative(timeoutDuration, "timeoutDuration");
			return this;
		}

		public RateLimiterConfig build() {
			return new RateLimiterConfig(this);
		}

	}

}
