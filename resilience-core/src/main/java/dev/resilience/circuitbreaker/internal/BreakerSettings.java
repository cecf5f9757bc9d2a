package dev.resilience.circuitbreaker.internal;

import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.internal.Durations;
import dev.resilience.internal.ExceptionClassifier;
import dev.resilience.internal.Failures;

/**
 * What one breaker's configuration means to its states, worked out once: durations in
 * nanoseconds, the thresholds of the window and of the trial calls, the exception
 * classifier and the transition reasons that do not depend on the counts. Immutable;
 * classifying an outcome allocates nothing.
 */
final class BreakerSettings {

	final String name;

	final CircuitBreakerConfig config;

	final long slowCallDurationNanos;

	final long waitDurationNanos;

	/** 0 when a half-open breaker waits for its trial calls however long they take. */
	final long maxWaitInHalfOpenNanos;

	final int permittedTrialCalls;

	/** 0 when consecutive failures do not open the breaker. */
	final int consecutiveFailureThreshold;

	final Thresholds windowThresholds;

	final Thresholds trialThresholds;

	final String waitElapsedReason;

	final String consecutiveFailuresReason;

	final String maxWaitInHalfOpenReason;

	/** Record list as the include list, ignore list as the exclude list. */
	private final ExceptionClassifier classifier;

	BreakerSettings(String name, CircuitBreakerConfig config) {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("circuit breaker name must not be null or blank but was '" + name + "'");
		}
		if (config == null) {
			throw new IllegalArgumentException("config of circuit breaker '" + name + "' must not be null");
		}
		this.name = name;
		this.config = config;
		this.slowCallDurationNanos = Durations.toNanosSaturated(config.getSlowCallDurationThreshold());
		this.waitDurationNanos = Durations.toNanosSaturated(config.getWaitDurationInOpenState());
		this.maxWaitInHalfOpenNanos = Durations.toNanosSaturated(config.getMaxWaitDurationInHalfOpenState());
		this.permittedTrialCalls = config.getPermittedNumberOfCallsInHalfOpenState();
		this.consecutiveFailureThreshold = config.getConsecutiveFailureThreshold();
		this.classifier = ExceptionClassifier.of(config.getRecordExceptions(), config.getIgnoreExceptions());
		this.windowThresholds = new Thresholds(config.getMinimumNumberOfCalls(), config.getFailureRateThreshold(),
				config.getSlowCallRateThreshold());
		this.trialThresholds = new Thresholds(this.permittedTrialCalls, config.getFailureRateThreshold(),
				config.getSlowCallRateThreshold());
		this.waitElapsedReason = "wait duration " + Durations.format(config.getWaitDurationInOpenState()) + " elapsed";
		this.consecutiveFailuresReason = this.consecutiveFailureThreshold + " consecutive failures";
		this.maxWaitInHalfOpenReason = "max wait duration in half-open state "
				+ Durations.format(config.getMaxWaitDurationInHalfOpenState()) + " elapsed";
	}

	CallOutcome successOutcome(long durationNanos) {
		return (durationNanos >= this.slowCallDurationNanos) ? CallOutcome.SLOW_SUCCESS : CallOutcome.SUCCESS;
	}

	/**
	 * The outcome of a call that threw {@code error}, unwrapped as every policy unwraps
	 * it: an ignored exception is {@link CallOutcome#IGNORED}, one outside a non-empty
	 * record list a success.
	 */
	CallOutcome errorOutcome(long durationNanos, Throwable error) {
		if (error == null) {
			throw new NullPointerException("error of a call recorded by circuit breaker '" + this.name
					+ "' must not be null; use onSuccess for a call that did not fail");
		}
		Throwable cause = Failures.unwrap(error);
		if (this.classifier.isExcluded(cause)) {
			return CallOutcome.IGNORED;
		}
		boolean slow = durationNanos >= this.slowCallDurationNanos;
		if (this.classifier.matchesUnwrapped(cause)) {
			return slow ? CallOutcome.SLOW_FAILURE : CallOutcome.FAILURE;
		}
		return slow ? CallOutcome.SLOW_SUCCESS : CallOutcome.SUCCESS;
	}

	/**
	 * Whether {@code window} has the type and size a window made by {@link #newWindow}
	 * would have.
	 */
	boolean newWindowHasShapeOf(SlidingWindow window) {
		return switch (this.config.getSlidingWindowType()) {
			case COUNT_BASED ->
				window instanceof CountBasedSlidingWindow count && count.size() == this.config.getSlidingWindowSize();
			case TIME_BASED ->
				window instanceof TimeBasedSlidingWindow time && time.size() == this.config.getSlidingWindowSize();
		};
	}

	/** A fresh window for a closed state, adding to the breaker's {@code totals}. */
	SlidingWindow newWindow(Ticker ticker, CallTotals totals) {
		return switch (this.config.getSlidingWindowType()) {
			case COUNT_BASED ->
				new CountBasedSlidingWindow(this.config.getSlidingWindowSize(), this.windowThresholds, totals);
			case TIME_BASED ->
				new TimeBasedSlidingWindow(this.config.getSlidingWindowSize(), this.windowThresholds, ticker, totals);
		};
	}

}
