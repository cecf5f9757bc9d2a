package dev.resilience.circuitbreaker;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.resilience.InvalidConfigurationException;

import static dev.resilience.InvalidConfigurationException.related;
import static dev.resilience.internal.Requirements.requireArgument;
import static dev.resilience.internal.Requirements.requireAtLeast;
import static dev.resilience.internal.Requirements.requireInLeftOpenRange;
import static dev.resilience.internal.Requirements.requireNonNegative;
import static dev.resilience.internal.Requirements.requireNonNull;
import static dev.resilience.internal.Requirements.requirePositive;

/**
 * Immutable configuration of a {@link CircuitBreaker}. Built with {@link #custom()}; the
 * defaults are those of {@code resilience.circuit-breaker.defaults}.
 * <p>
 * Longer than the engine's other files only because each of its sixteen settings has a
 * default, a field, a getter and a checked builder setter; the builder stays nested since
 * {@code CircuitBreakerConfig.Builder} is public API.
 * <p>
 * Latency anomalies ({@code adaptive-slow-call.*}, off by default): a call also counts as
 * slow when it takes longer than the larger of {@link #getAdaptiveSlowCallMinThreshold()}
 * and {@link #getAdaptiveSlowCallFactor()} times the
 * {@link #getAdaptiveSlowCallQuantile() quantile} learned from the latencies of recent
 * calls that returned normally, were not slow, and were admitted and recorded while
 * closed. The fixed {@link #getSlowCallDurationThreshold()} still applies: a call is slow
 * by either rule. The quantile is learned over generations of
 * {@link #ADAPTIVE_SLOW_CALL_LEARNING_WINDOW} (it follows the last one to two of them)
 * and is used once {@link #getMinimumNumberOfCalls()} latencies were learned; until then
 * only the fixed threshold applies.
 */
public final class CircuitBreakerConfig {

	public static final SlidingWindowType DEFAULT_SLIDING_WINDOW_TYPE = SlidingWindowType.COUNT_BASED;

	public static final int DEFAULT_SLIDING_WINDOW_SIZE = 100;

	public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 20;

	public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50;

	public static final int DEFAULT_CONSECUTIVE_FAILURE_THRESHOLD = 0;

	public static final Duration DEFAULT_SLOW_CALL_DURATION_THRESHOLD = Duration.ofSeconds(60);

	public static final float DEFAULT_SLOW_CALL_RATE_THRESHOLD = 100;

	public static final Duration DEFAULT_WAIT_DURATION_IN_OPEN_STATE = Duration.ofSeconds(60);

	public static final int DEFAULT_PERMITTED_NUMBER_OF_CALLS_IN_HALF_OPEN_STATE = 10;

	/** Zero: a half-open breaker waits for its trial calls however long they take. */
	public static final Duration DEFAULT_MAX_WAIT_DURATION_IN_HALF_OPEN_STATE = Duration.ZERO;

	/**
	 * Largest count-based window, and largest number of trial calls in half-open state:
	 * the breaker packs its counts of these calls into 21-bit fields of one {@code long}.
	 */
	public static final int MAX_CALLS_COUNTED = 1_000_000;

	/** Longest time-based window, in seconds. */
	public static final int MAX_TIME_BASED_WINDOW_SECONDS = 3600;

	public static final boolean DEFAULT_ADAPTIVE_SLOW_CALL_ENABLED = false;

	public static final double DEFAULT_ADAPTIVE_SLOW_CALL_QUANTILE = 0.99;

	public static final double DEFAULT_ADAPTIVE_SLOW_CALL_FACTOR = 3.0;

	public static final Duration DEFAULT_ADAPTIVE_SLOW_CALL_MIN_THRESHOLD = Duration.ofMillis(100);

	/**
	 * How long one generation of learned latencies lives: the learned quantile follows
	 * the normal calls of the last one to two minutes, and a baseline that no normal call
	 * refreshed for two minutes is forgotten (only the fixed threshold applies until it
	 * is learned again).
	 */
	public static final Duration ADAPTIVE_SLOW_CALL_LEARNING_WINDOW = Duration.ofSeconds(60);

	private static final CircuitBreakerConfig DEFAULTS = custom().build();

	private final SlidingWindowType slidingWindowType;

	private final int slidingWindowSize;

	private final int minimumNumberOfCalls;

	private final float failureRateThreshold;

	private final int consecutiveFailureThreshold;

	private final Duration slowCallDurationThreshold;

	private final float slowCallRateThreshold;

	private final Duration waitDurationInOpenState;

	private final int permittedNumberOfCallsInHalfOpenState;

	private final Duration maxWaitDurationInHalfOpenState;

	private final List<Class<? extends Throwable>> recordExceptions;

	private final List<Class<? extends Throwable>> ignoreExceptions;

	private final boolean adaptiveSlowCallEnabled;

	private final double adaptiveSlowCallQuantile;

	private final double adaptiveSlowCallFactor;

	private final Duration adaptiveSlowCallMinThreshold;

	private CircuitBreakerConfig(Builder builder) {
		this.slidingWindowType = builder.slidingWindowType;
		this.slidingWindowSize = builder.slidingWindowSize;
		this.minimumNumberOfCalls = builder.minimumNumberOfCalls;
		this.failureRateThreshold = builder.failureRateThreshold;
		this.consecutiveFailureThreshold = builder.consecutiveFailureThreshold;
		this.slowCallDurationThreshold = builder.slowCallDurationThreshold;
		this.slowCallRateThreshold = builder.slowCallRateThreshold;
		this.waitDurationInOpenState = builder.waitDurationInOpenState;
		this.permittedNumberOfCallsInHalfOpenState = builder.permittedNumberOfCallsInHalfOpenState;
		this.maxWaitDurationInHalfOpenState = builder.maxWaitDurationInHalfOpenState;
		this.recordExceptions = List.copyOf(builder.recordExceptions);
		this.ignoreExceptions = List.copyOf(builder.ignoreExceptions);
		this.adaptiveSlowCallEnabled = builder.adaptiveSlowCallEnabled;
		this.adaptiveSlowCallQuantile = builder.adaptiveSlowCallQuantile;
		this.adaptiveSlowCallFactor = builder.adaptiveSlowCallFactor;
		this.adaptiveSlowCallMinThreshold = builder.adaptiveSlowCallMinThreshold;
	}

	public static CircuitBreakerConfig ofDefaults() {
		return DEFAULTS;
	}

	public static Builder custom() {
		return new Builder();
	}

	/** A builder starting from this configuration's values. */
	public Builder toBuilder() {
		return new Builder().slidingWindowType(this.slidingWindowType)
			.slidingWindowSize(this.slidingWindowSize)
			.minimumNumberOfCalls(this.minimumNumberOfCalls)
			.failureRateThreshold(this.failureRateThreshold)
			.consecutiveFailureThreshold(this.consecutiveFailureThreshold)
			.slowCallDurationThreshold(this.slowCallDurationThreshold)
			.slowCallRateThreshold(this.slowCallRateThreshold)
			.waitDurationInOpenState(this.waitDurationInOpenState)
			.permittedNumberOfCallsInHalfOpenState(this.permittedNumberOfCallsInHalfOpenState)
			.maxWaitDurationInHalfOpenState(this.maxWaitDurationInHalfOpenState)
			.recordExceptions(this.recordExceptions)
			.ignoreExceptions(this.ignoreExceptions)
			.adaptiveSlowCallEnabled(this.adaptiveSlowCallEnabled)
			.adaptiveSlowCallQuantile(this.adaptiveSlowCallQuantile)
			.adaptiveSlowCallFactor(this.adaptiveSlowCallFactor)
			.adaptiveSlowCallMinThreshold(this.adaptiveSlowCallMinThreshold);
	}

	public SlidingWindowType getSlidingWindowType() {
		return this.slidingWindowType;
	}

	/** Calls in the window when count-based; seconds when time-based. */
	public int getSlidingWindowSize() {
		return this.slidingWindowSize;
	}

	public int getMinimumNumberOfCalls() {
		return this.minimumNumberOfCalls;
	}

	/** Percent in (0, 100]. */
	public float getFailureRateThreshold() {
		return this.failureRateThreshold;
	}

	/** Failures in a row that open the breaker; 0 when off. */
	public int getConsecutiveFailureThreshold() {
		return this.consecutiveFailureThreshold;
	}

	public Duration getSlowCallDurationThreshold() {
		return this.slowCallDurationThreshold;
	}

	/** Percent in (0, 100]. */
	public float getSlowCallRateThreshold() {
		return this.slowCallRateThreshold;
	}

	public Duration getWaitDurationInOpenState() {
		return this.waitDurationInOpenState;
	}

	public int getPermittedNumberOfCallsInHalfOpenState() {
		return this.permittedNumberOfCallsInHalfOpenState;
	}

	/**
	 * How long a half-open breaker waits for its trial calls before it reopens; zero (the
	 * default) waits for them however long they take. Trial calls that never end would
	 * otherwise hold the breaker half-open, refusing every other call, forever.
	 */
	public Duration getMaxWaitDurationInHalfOpenState() {
		return this.maxWaitDurationInHalfOpenState;
	}

	/** Exceptions that count as failures; empty means every exception not ignored. */
	public List<Class<? extends Throwable>> getRecordExceptions() {
		return this.recordExceptions;
	}

	/**
	 * Exceptions that count as neither success nor failure; wins over
	 * {@link #getRecordExceptions()}.
	 */
	public List<Class<? extends Throwable>> getIgnoreExceptions() {
		return this.ignoreExceptions;
	}

	/** Whether calls far slower than the learned latency count as slow. */
	public boolean isAdaptiveSlowCallEnabled() {
		return this.adaptiveSlowCallEnabled;
	}

	/** The quantile of normal latencies learned, in (0, 1). */
	public double getAdaptiveSlowCallQuantile() {
		return this.adaptiveSlowCallQuantile;
	}

	/** How many times the learned quantile a call may take before it is slow; above 1. */
	public double getAdaptiveSlowCallFactor() {
		return this.adaptiveSlowCallFactor;
	}

	/** The learned threshold is never below this. */
	public Duration getAdaptiveSlowCallMinThreshold() {
		return this.adaptiveSlowCallMinThreshold;
	}

	@Override
	public String toString() {
		return "CircuitBreakerConfig[slidingWindowType=" + this.slidingWindowType + ", slidingWindowSize="
				+ this.slidingWindowSize + ", minimumNumberOfCalls=" + this.minimumNumberOfCalls
				+ ", failureRateThreshold=" + this.failureRateThreshold + ", consecutiveFailureThreshold="
				+ this.consecutiveFailureThreshold + ", slowCallDurationThreshold=" + this.slowCallDurationThreshold
				+ ", slowCallRateThreshold=" + this.slowCallRateThreshold + ", waitDurationInOpenState="
				+ this.waitDurationInOpenState + ", permittedNumberOfCallsInHalfOpenState="
				+ this.permittedNumberOfCallsInHalfOpenState + ", maxWaitDurationInHalfOpenState="
				+ this.maxWaitDurationInHalfOpenState + ", recordExceptions=" + this.recordExceptions
				+ ", ignoreExceptions=" + this.ignoreExceptions + ", adaptiveSlowCallEnabled="
				+ this.adaptiveSlowCallEnabled + ", adaptiveSlowCallQuantile=" + this.adaptiveSlowCallQuantile
				+ ", adaptiveSlowCallFactor=" + this.adaptiveSlowCallFactor + ", adaptiveSlowCallMinThreshold="
				+ this.adaptiveSlowCallMinThreshold + "]";
	}

	/** Kinds of sliding window over which rates are computed. */
	public enum SlidingWindowType {

		/** The last {@code sliding-window-size} calls. */
		COUNT_BASED,

		/** The calls of the last {@code sliding-window-size} seconds. */
		TIME_BASED

	}

	/** Builder; each setter validates its argument. */
	public static final class Builder {

		private SlidingWindowType slidingWindowType = DEFAULT_SLIDING_WINDOW_TYPE;

		private int slidingWindowSize = DEFAULT_SLIDING_WINDOW_SIZE;

		private int minimumNumberOfCalls = DEFAULT_MINIMUM_NUMBER_OF_CALLS;

		private float failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;

		private int consecutiveFailureThreshold = DEFAULT_CONSECUTIVE_FAILURE_THRESHOLD;

		private Duration slowCallDurationThreshold = DEFAULT_SLOW_CALL_DURATION_THRESHOLD;

		private float slowCallRateThreshold = DEFAULT_SLOW_CALL_RATE_THRESHOLD;

		private Duration waitDurationInOpenState = DEFAULT_WAIT_DURATION_IN_OPEN_STATE;

		private int permittedNumberOfCallsInHalfOpenState = DEFAULT_PERMITTED_NUMBER_OF_CALLS_IN_HALF_OPEN_STATE;

		private Duration maxWaitDurationInHalfOpenState = DEFAULT_MAX_WAIT_DURATION_IN_HALF_OPEN_STATE;

		private List<Class<? extends Throwable>> recordExceptions = List.of();

		private List<Class<? extends Throwable>> ignoreExceptions = List.of();

		private boolean adaptiveSlowCallEnabled = DEFAULT_ADAPTIVE_SLOW_CALL_ENABLED;

		private double adaptiveSlowCallQuantile = DEFAULT_ADAPTIVE_SLOW_CALL_QUANTILE;

		private double adaptiveSlowCallFactor = DEFAULT_ADAPTIVE_SLOW_CALL_FACTOR;

		private Duration adaptiveSlowCallMinThreshold = DEFAULT_ADAPTIVE_SLOW_CALL_MIN_THRESHOLD;

		private Builder() {
		}

		public Builder slidingWindowType(SlidingWindowType slidingWindowType) {
			this.slidingWindowType = requireNonNull(slidingWindowType, "slidingWindowType");
			return this;
		}

		public Builder slidingWindowSize(int slidingWindowSize) {
			this.slidingWindowSize = requireAtLeast(slidingWindowSize, 1, "slidingWindowSize");
			return this;
		}

		public Builder minimumNumberOfCalls(int minimumNumberOfCalls) {
			this.minimumNumberOfCalls = requireAtLeast(minimumNumberOfCalls, 1, "minimumNumberOfCalls");
			return this;
		}

		public Builder failureRateThreshold(float failureRateThreshold) {
			this.failureRateThreshold = requireInLeftOpenRange(failureRateThreshold, 100, "failureRateThreshold");
			return this;
		}

		public Builder consecutiveFailureThreshold(int consecutiveFailureThreshold) {
			this.consecutiveFailureThreshold = requireAtLeast(consecutiveFailureThreshold, 0,
					"consecutiveFailureThreshold");
			return this;
		}

		public Builder slowCallDurationThreshold(Duration slowCallDurationThreshold) {
			this.slowCallDurationThreshold = requirePositive(slowCallDurationThreshold, "slowCallDurationThreshold");
			return this;
		}

		public Builder slowCallRateThreshold(float slowCallRateThreshold) {
			this.slowCallRateThreshold = requireInLeftOpenRange(slowCallRateThreshold, 100, "slowCallRateThreshold");
			return this;
		}

		public Builder waitDurationInOpenState(Duration waitDurationInOpenState) {
			this.waitDurationInOpenState = requirePositive(waitDurationInOpenState, "waitDurationInOpenState");
			return this;
		}

		public Builder permittedNumberOfCallsInHalfOpenState(int permittedNumberOfCallsInHalfOpenState) {
			this.permittedNumberOfCallsInHalfOpenState = requireAtLeast(permittedNumberOfCallsInHalfOpenState, 1,
					"permittedNumberOfCallsInHalfOpenState");
			return this;
		}

		/**
		 * Zero waits for the trial calls however long they take; otherwise the breaker
		 * reopens after this long.
		 */
		public Builder maxWaitDurationInHalfOpenState(Duration maxWaitDurationInHalfOpenState) {
			this.maxWaitDurationInHalfOpenState = requireNonNegative(maxWaitDurationInHalfOpenState,
					"maxWaitDurationInHalfOpenState");
			return this;
		}

		public Builder recordExceptions(List<Class<? extends Throwable>> recordExceptions) {
			this.recordExceptions = List.copyOf(requireNonNull(recordExceptions, "recordExceptions"));
			return this;
		}

		public Builder ignoreExceptions(List<Class<? extends Throwable>> ignoreExceptions) {
			this.ignoreExceptions = List.copyOf(requireNonNull(ignoreExceptions, "ignoreExceptions"));
			return this;
		}

		/** Turns latency-anomaly detection on or off. */
		public Builder adaptiveSlowCallEnabled(boolean adaptiveSlowCallEnabled) {
			this.adaptiveSlowCallEnabled = adaptiveSlowCallEnabled;
			return this;
		}

		/** The quantile of normal latencies to learn, in (0, 1). */
		public Builder adaptiveSlowCallQuantile(double adaptiveSlowCallQuantile) {
			requireArgument(adaptiveSlowCallQuantile > 0 && adaptiveSlowCallQuantile < 1,
					"adaptiveSlowCallQuantile must be in (0, 1) but was " + adaptiveSlowCallQuantile);
			this.adaptiveSlowCallQuantile = adaptiveSlowCallQuantile;
			return this;
		}

		/** How many times the learned quantile a call may take; finite and above 1. */
		public Builder adaptiveSlowCallFactor(double adaptiveSlowCallFactor) {
			requireArgument(adaptiveSlowCallFactor > 1 && Double.isFinite(adaptiveSlowCallFactor),
					"adaptiveSlowCallFactor must be a finite number > 1.0 but was " + adaptiveSlowCallFactor);
			this.adaptiveSlowCallFactor = adaptiveSlowCallFactor;
			return this;
		}

		/** The floor of the learned threshold; positive. */
		public Builder adaptiveSlowCallMinThreshold(Duration adaptiveSlowCallMinThreshold) {
			this.adaptiveSlowCallMinThreshold = requirePositive(adaptiveSlowCallMinThreshold,
					"adaptiveSlowCallMinThreshold");
			return this;
		}

		/**
		 * @throws InvalidConfigurationException if the settings do not fit together: a
		 * minimum number of calls above a count-based window, a window or a number of
		 * trial calls larger than the breaker can count
		 */
		public CircuitBreakerConfig build() {
			Map<String, Object> type = related("slidingWindowType", this.slidingWindowType);
			if (this.slidingWindowType == SlidingWindowType.COUNT_BASED
					&& this.minimumNumberOfCalls > this.slidingWindowSize) {
				throw new InvalidConfigurationException("minimumNumberOfCalls", this.minimumNumberOfCalls,
						"must not exceed {slidingWindowSize} when {slidingWindowType:name} is {slidingWindowType:value}, "
								+ "or the breaker could never open",
						related("slidingWindowSize", this.slidingWindowSize, "slidingWindowType",
								this.slidingWindowType))
					.withConverse("slidingWindowSize",
							"must be at least {minimumNumberOfCalls} when {slidingWindowType:name} is {slidingWindowType:value}");
			}
			if (this.slidingWindowType == SlidingWindowType.COUNT_BASED && this.slidingWindowSize > MAX_CALLS_COUNTED) {
				throw new InvalidConfigurationException("slidingWindowSize", this.slidingWindowSize, "must be at most "
						+ MAX_CALLS_COUNTED + " when {slidingWindowType:name} is {slidingWindowType:value}", type);
			}
			if (this.slidingWindowType == SlidingWindowType.TIME_BASED
					&& this.slidingWindowSize > MAX_TIME_BASED_WINDOW_SECONDS) {
				throw new InvalidConfigurationException("slidingWindowSize", this.slidingWindowSize,
						"must be at most " + MAX_TIME_BASED_WINDOW_SECONDS
								+ " (seconds) when {slidingWindowType:name} is {slidingWindowType:value}",
						type);
			}
			if (this.permittedNumberOfCallsInHalfOpenState > MAX_CALLS_COUNTED) {
				throw InvalidConfigurationException.of("permittedNumberOfCallsInHalfOpenState",
						this.permittedNumberOfCallsInHalfOpenState, "must be at most " + MAX_CALLS_COUNTED);
			}
			return new CircuitBreakerConfig(this);
		}

	}

}
