package dev.resilience.ratelimiter;

import java.time.Duration;

import dev.resilience.InvalidConfigurationException;

import static dev.resilience.internal.Requirements.requireArgument;
import static dev.resilience.internal.Requirements.requireAtLeast;
import static dev.resilience.internal.Requirements.requireNonNegative;
import static dev.resilience.internal.Requirements.requireNonNull;
import static dev.resilience.internal.Requirements.requirePositive;

/**
 * Immutable configuration of a {@link RateLimiter}. Built with {@link #custom()}; the
 * defaults are those of {@code resilience.rate-limiter.defaults}.
 */
public final class RateLimiterConfig {

	public static final int DEFAULT_LIMIT_FOR_PERIOD = 50;

	public static final Duration DEFAULT_LIMIT_REFRESH_PERIOD = Duration.ofSeconds(1);

	public static final Duration DEFAULT_TIMEOUT_DURATION = Duration.ZERO;

	public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofMillis(100);

	/** Longest {@link #getStoreTimeout()}: a limiter must never add seconds to a call. */
	public static final Duration MAX_STORE_TIMEOUT = Duration.ofSeconds(5);

	/** Shortest refresh period of a {@link Scope#CLUSTER} limiter. */
	public static final Duration MIN_CLUSTER_REFRESH_PERIOD = Duration.ofMillis(1);

	/** Longest refresh period of a {@link Scope#CLUSTER} limiter. */
	public static final Duration MAX_CLUSTER_REFRESH_PERIOD = Duration.ofDays(1);

	private static final RateLimiterConfig DEFAULTS = custom().build();

	private final int limitForPeriod;

	private final Duration limitRefreshPeriod;

	private final Duration timeoutDuration;

	private final Scope scope;

	private final OnStoreUnavailable onStoreUnavailable;

	private final Duration storeTimeout;

	private RateLimiterConfig(Builder builder) {
		this.limitForPeriod = builder.limitForPeriod;
		this.limitRefreshPeriod = builder.limitRefreshPeriod;
		this.timeoutDuration = builder.timeoutDuration;
		this.scope = builder.scope;
		this.onStoreUnavailable = builder.onStoreUnavailable;
		this.storeTimeout = builder.storeTimeout;
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
			.timeoutDuration(this.timeoutDuration)
			.scope(this.scope)
			.onStoreUnavailable(this.onStoreUnavailable)
			.storeTimeout(this.storeTimeout);
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

	/**
	 * Whose limit this is: this application instance's own, or one shared by every
	 * instance through a {@link PermitStore}.
	 */
	public Scope getScope() {
		return this.scope;
	}

	/**
	 * What a {@link Scope#CLUSTER} limiter does with a call while its store does not
	 * answer; unused by an instance limiter.
	 */
	public OnStoreUnavailable getOnStoreUnavailable() {
		return this.onStoreUnavailable;
	}

	/**
	 * Longest time a {@link Scope#CLUSTER} limiter waits for its store to decide one
	 * permit; unused by an instance limiter.
	 */
	public Duration getStoreTimeout() {
		return this.storeTimeout;
	}

	@Override
	public String toString() {
		String own = "RateLimiterConfig[limitForPeriod=" + this.limitForPeriod + ", limitRefreshPeriod="
				+ this.limitRefreshPeriod + ", timeoutDuration=" + this.timeoutDuration + ", scope=" + this.scope;
		return (this.scope == Scope.CLUSTER)
				? own + ", onStoreUnavailable=" + this.onStoreUnavailable + ", storeTimeout=" + this.storeTimeout + "]"
				: own + "]";
	}

	/** Whose limit a rate limiter enforces. */
	public enum Scope {

		/** Each application instance has its own limit, kept in memory. */
		INSTANCE,

		/**
		 * Every application instance draws from one limit, kept in a shared
		 * {@link PermitStore}.
		 */
		CLUSTER

	}

	/** What a {@link Scope#CLUSTER} limiter does with a call while its store is out. */
	public enum OnStoreUnavailable {

		/**
		 * The call goes ahead: an outage of the limiter does not take the service down.
		 */
		ALLOW,

		/**
		 * The call is refused with {@link RequestNotPermittedException}: the limit is
		 * never exceeded.
		 */
		DENY

	}

	/** Builder; each setter validates its argument. */
	public static final class Builder {

		private int limitForPeriod = DEFAULT_LIMIT_FOR_PERIOD;

		private Duration limitRefreshPeriod = DEFAULT_LIMIT_REFRESH_PERIOD;

		private Duration timeoutDuration = DEFAULT_TIMEOUT_DURATION;

		private Scope scope = Scope.INSTANCE;

		private OnStoreUnavailable onStoreUnavailable = OnStoreUnavailable.ALLOW;

		private Duration storeTimeout = DEFAULT_STORE_TIMEOUT;

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

		public Builder scope(Scope scope) {
			this.scope = requireNonNull(scope, "scope");
			return this;
		}

		public Builder onStoreUnavailable(OnStoreUnavailable onStoreUnavailable) {
			this.onStoreUnavailable = requireNonNull(onStoreUnavailable, "onStoreUnavailable");
			return this;
		}

		/** At most {@link RateLimiterConfig#MAX_STORE_TIMEOUT}. */
		public Builder storeTimeout(Duration storeTimeout) {
			requirePositive(storeTimeout, "storeTimeout");
			requireArgument(storeTimeout.compareTo(MAX_STORE_TIMEOUT) <= 0,
					"storeTimeout must be at most " + MAX_STORE_TIMEOUT + " but was " + storeTimeout);
			this.storeTimeout = storeTimeout;
			return this;
		}

		/**
		 * @throws InvalidConfigurationException when a {@link Scope#CLUSTER} limiter's
		 * refresh period is outside [1ms, 1d], or its period holds more permits than
		 * microseconds (the store keeps time in microseconds)
		 */
		public RateLimiterConfig build() {
			if (this.scope == Scope.CLUSTER) {
				if (this.limitRefreshPeriod.compareTo(MIN_CLUSTER_REFRESH_PERIOD) < 0
						|| this.limitRefreshPeriod.compareTo(MAX_CLUSTER_REFRESH_PERIOD) > 0) {
					throw new InvalidConfigurationException("limitRefreshPeriod", this.limitRefreshPeriod,
							"must be between 1ms and 1d when {scope:name} is cluster",
							InvalidConfigurationException.related("scope", "cluster"));
				}
				long micros = this.limitRefreshPeriod.toNanos() / 1000;
				if (this.limitForPeriod > micros) {
					throw new InvalidConfigurationException("limitForPeriod", this.limitForPeriod,
							"must be at most one permit per microsecond of {limitRefreshPeriod} when {scope:name}"
									+ " is cluster",
							InvalidConfigurationException.related("limitRefreshPeriod", this.limitRefreshPeriod,
									"scope", "cluster"))
						.withConverse("limitRefreshPeriod",
								"must hold at least one microsecond per permit of {limitForPeriod} when"
										+ " {scope:name} is cluster");
				}
			}
			return new RateLimiterConfig(this);
		}

	}

}
