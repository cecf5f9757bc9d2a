package dev.resilience.spring.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.resilience.circuitbreaker.CircuitBreakerConfig;

/**
 * Settings of a circuit breaker, bound both from
 * {@code resilience.circuit-breaker.defaults} and from each
 * {@code resilience.circuit-breaker.instances.<name>}. A {@code null} field is a key left
 * unset: an instance then inherits the value of {@code defaults}, and {@code defaults}
 * the engine's default (documented in the configuration metadata). Ranges and the rules
 * between keys are the engine's, checked when {@link ResilienceConfigurations} builds the
 * configuration.
 * <p>
 * Mutable and not thread-safe, as every bound properties object.
 */
public class CircuitBreakerSettings {

	/**
	 * Kind of sliding window over which the failure and slow-call rates are computed.
	 */
	private CircuitBreakerConfig.SlidingWindowType slidingWindowType;

	/**
	 * Size of the sliding window: a number of calls when count-based, a number of seconds
	 * (at most 3600) when time-based.
	 */
	private Integer slidingWindowSize;

	/**
	 * Minimum number of calls in the window before the failure and slow-call rates can
	 * open the breaker. At most the window size when count-based.
	 */
	private Integer minimumNumberOfCalls;

	/**
	 * Failure rate, in percent, at or above which the breaker opens. In (0, 100].
	 */
	private Float failureRateThreshold;

	/**
	 * Number of failures in a row that open the breaker regardless of the rates. 0 turns
	 * this off.
	 */
	private Integer consecutiveFailureThreshold;

	/**
	 * Duration above which a call counts as slow.
	 */
	private Duration slowCallDurationThreshold;

	/**
	 * Slow-call rate, in percent, at or above which the breaker opens. In (0, 100]; 100
	 * means slow calls alone open it only when every call is slow.
	 */
	private Float slowCallRateThreshold;

	/**
	 * Time the breaker stays open before it lets trial calls through.
	 */
	private Duration waitDurationInOpenState;

	/**
	 * Number of trial calls let through in the half-open state; further concurrent calls
	 * are refused.
	 */
	private Integer permittedNumberOfCallsInHalfOpenState;

	/**
	 * Time a half-open breaker waits for its trial calls before it reopens. Zero waits
	 * for them however long they take.
	 */
	private Duration maxWaitDurationInHalfOpenState;

	/**
	 * Exception classes (and their subclasses) recorded as failures. Empty means every
	 * exception not ignored counts as a failure. An instance's list replaces the
	 * defaults' list.
	 */
	private List<Class<? extends Throwable>> recordExceptions;

	/**
	 * Exception classes (and their subclasses) that count as neither success nor failure.
	 * Wins over record-exceptions. An instance's list replaces the defaults' list.
	 */
	private List<Class<? extends Throwable>> ignoreExceptions;

	/**
	 * Latency anomalies: calls far slower than the latency learned from recent normal
	 * calls count as slow.
	 */
	private final AdaptiveSlowCall adaptiveSlowCall = new AdaptiveSlowCall();

	public CircuitBreakerConfig.SlidingWindowType getSlidingWindowType() {
		return this.slidingWindowType;
	}

	public void setSlidingWindowType(CircuitBreakerConfig.SlidingWindowType slidingWindowType) {
		this.slidingWindowType = slidingWindowType;
	}

	public Integer getSlidingWindowSize() {
		return this.slidingWindowSize;
	}

	public void setSlidingWindowSize(Integer slidingWindowSize) {
		this.slidingWindowSize = slidingWindowSize;
	}

	public Integer getMinimumNumberOfCalls() {
		return this.minimumNumberOfCalls;
	}

	public void setMinimumNumberOfCalls(Integer minimumNumberOfCalls) {
		this.minimumNumberOfCalls = minimumNumberOfCalls;
	}

	public Float getFailureRateThreshold() {
		return this.failureRateThreshold;
	}

	public void setFailureRateThreshold(Float failureRateThreshold) {
		this.failureRateThreshold = failureRateThreshold;
	}

	public Integer getConsecutiveFailureThreshold() {
		return this.consecutiveFailureThreshold;
	}

	public void setConsecutiveFailureThreshold(Integer consecutiveFailureThreshold) {
		this.consecutiveFailureThreshold = consecutiveFailureThreshold;
	}

	public Duration getSlowCallDurationThreshold() {
		return this.slowCallDurationThreshold;
	}

	public void setSlowCallDurationThreshold(Duration slowCallDurationThreshold) {
		this.slowCallDurationThreshold = slowCallDurationThreshold;
	}

	public Float getSlowCallRateThreshold() {
		return this.slowCallRateThreshold;
	}

	public void setSlowCallRateThreshold(Float slowCallRateThreshold) {
		this.slowCallRateThreshold = slowCallRateThreshold;
	}

	public Duration getWaitDurationInOpenState() {
		return this.waitDurationInOpenState;
	}

	public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
		this.waitDurationInOpenState = waitDurationInOpenState;
	}

	public Integer getPermittedNumberOfCallsInHalfOpenState() {
		return this.permittedNumberOfCallsInHalfOpenState;
	}

	public void setPermittedNumberOfCallsInHalfOpenState(Integer permittedNumberOfCallsInHalfOpenState) {
		this.permittedNumberOfCallsInHalfOpenState = permittedNumberOfCallsInHalfOpenState;
	}

	public Duration getMaxWaitDurationInHalfOpenState() {
		return this.maxWaitDurationInHalfOpenState;
	}

	public void setMaxWaitDurationInHalfOpenState(Duration maxWaitDurationInHalfOpenState) {
		this.maxWaitDurationInHalfOpenState = maxWaitDurationInHalfOpenState;
	}

	public List<Class<? extends Throwable>> getRecordExceptions() {
		return this.recordExceptions;
	}

	public void setRecordExceptions(List<Class<? extends Throwable>> recordExceptions) {
		this.recordExceptions = recordExceptions;
	}

	public List<Class<? extends Throwable>> getIgnoreExceptions() {
		return this.ignoreExceptions;
	}

	public void setIgnoreExceptions(List<Class<? extends Throwable>> ignoreExceptions) {
		this.ignoreExceptions = ignoreExceptions;
	}

	public AdaptiveSlowCall getAdaptiveSlowCall() {
		return this.adaptiveSlowCall;
	}

	/**
	 * Latency anomalies ({@code adaptive-slow-call.*}); a {@code null} key is unset and
	 * inherited like the others.
	 */
	public static class AdaptiveSlowCall {

		/**
		 * Whether a call also counts as slow when it takes longer than the larger of
		 * min-threshold and factor times the quantile learned from recent normal calls
		 * while closed. The fixed slow-call-duration-threshold still applies.
		 */
		private Boolean enabled;

		/**
		 * Quantile of recent normal latencies that is learned. In (0, 1).
		 */
		private Double quantile;

		/**
		 * How many times the learned quantile a call may take before it counts as slow.
		 * Above 1.0.
		 */
		private Double factor;

		/**
		 * Floor of the learned threshold: a call this fast or faster is never slow by the
		 * learned rule.
		 */
		private Duration minThreshold;

		public Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(Boolean enabled) {
			this.enabled = enabled;
		}

		public Double getQuantile() {
			return this.quantile;
		}

		public void setQuantile(Double quantile) {
			this.quantile = quantile;
		}

		public Double getFactor() {
			return this.factor;
		}

		public void setFactor(Double factor) {
			this.factor = factor;
		}

		public Duration getMinThreshold() {
			return this.minThreshold;
		}

		public void setMinThreshold(Duration minThreshold) {
			this.minThreshold = minThreshold;
		}

	}

}
