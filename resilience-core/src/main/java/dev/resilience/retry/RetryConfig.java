package dev.resilience.retry;

import java.time.Duration;
import java.util.List;

import dev.resilience.InvalidConfigurationException;

import static dev.resilience.InvalidConfigurationException.related;
import static dev.resilience.internal.Requirements.requireArgument;
import static dev.resilience.internal.Requirements.requireAtLeast;
import static dev.resilience.internal.Requirements.requireNonNegative;
import static dev.resilience.internal.Requirements.requireNonNull;

// Over 300 lines: the builder (one validated setter per YAML key) and the public
// BudgetConfig live here.
/**
 * Immutable configuration of a {@link Retry}. Built with {@link #custom()}; the defaults
 * are those of {@code resilience.retry.defaults}.
 */
public final class RetryConfig {

	public static final int DEFAULT_MAX_ATTEMPTS = 3;

	public static final Duration DEFAULT_WAIT_DURATION = Duration.ofMillis(200);

	public static final Backoff DEFAULT_BACKOFF = Backoff.EXPONENTIAL;

	public static final double DEFAULT_MULTIPLIER = 2.0;

	public static final Duration DEFAULT_MAX_WAIT_DURATION = Duration.ofSeconds(10);

	public static final Jitter DEFAULT_JITTER = Jitter.FULL;

	public static final boolean DEFAULT_RESPECT_RETRY_AFTER = true;

	private static final RetryConfig DEFAULTS = custom().build();

	private final int maxAttempts;

	private final Duration waitDuration;

	private final Backoff backoff;

	private final double multiplier;

	private final Duration maxWaitDuration;

	private final Jitter jitter;

	private final List<Class<? extends Throwable>> retryExceptions;

	private final List<Class<? extends Throwable>> ignoreExceptions;

	private final BudgetConfig budget;

	private final boolean respectRetryAfter;

	private final RetryAfterReader retryAfterReader;

	private RetryConfig(Builder builder) {
		this.maxAttempts = builder.maxAttempts;
		this.waitDuration = builder.waitDuration;
		this.backoff = builder.backoff;
		this.multiplier = builder.multiplier;
		this.maxWaitDuration = builder.maxWaitDuration;
		this.jitter = builder.jitter;
		this.retryExceptions = List.copyOf(builder.retryExceptions);
		this.ignoreExceptions = List.copyOf(builder.ignoreExceptions);
		this.budget = builder.budget;
		this.respectRetryAfter = builder.respectRetryAfter;
		this.retryAfterReader = builder.retryAfterReader;
	}

	public static RetryConfig ofDefaults() {
		return DEFAULTS;
	}

	public static Builder custom() {
		return new Builder();
	}

	public Builder toBuilder() {
		return new Builder().maxAttempts(this.maxAttempts)
			.waitDuration(this.waitDuration)
			.backoff(this.backoff)
			.multiplier(this.multiplier)
			.maxWaitDuration(this.maxWaitDuration)
			.jitter(this.jitter)
			.retryExceptions(this.retryExceptions)
			.ignoreExceptions(this.ignoreExceptions)
			.budget(this.budget)
			.respectRetryAfter(this.respectRetryAfter)
			.retryAfterReader(this.retryAfterReader);
	}

	/** Total attempts, the first call included; at least 1. */
	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	/** The first backoff. */
	public Duration getWaitDuration() {
		return this.waitDuration;
	}

	public Backoff getBackoff() {
		return this.backoff;
	}

	/** Growth factor of exponential backoff; at least 1. */
	public double getMultiplier() {
		return this.multiplier;
	}

	/** Cap on any single backoff. */
	public Duration getMaxWaitDuration() {
		return this.maxWaitDuration;
	}

	public Jitter getJitter() {
		return this.jitter;
	}

	/** Exceptions that are retried; empty means every exception not ignored. */
	public List<Class<? extends Throwable>> getRetryExceptions() {
		return this.retryExceptions;
	}

	/** Exceptions that are never retried; wins over {@link #getRetryExceptions()}. */
	public List<Class<? extends Throwable>> getIgnoreExceptions() {
		return this.ignoreExceptions;
	}

	public BudgetConfig getBudget() {
		return this.budget;
	}

	/**
	 * Whether a wait the failure carries (a server's {@code Retry-After}, a rate
	 * limiter's next permit) lengthens the backoff to that wait, and stops the retries
	 * when it exceeds {@link #getMaxWaitDuration()}.
	 */
	public boolean isRespectRetryAfter() {
		return this.respectRetryAfter;
	}

	/**
	 * Reads the waits of failures the engine does not know; {@link RetryAfterReader#NONE}
	 * by default.
	 */
	public RetryAfterReader getRetryAfterReader() {
		return this.retryAfterReader;
	}

	@Override
	public String toString() {
		return "RetryConfig[maxAttempts=" + this.maxAttempts + ", waitDuration=" + this.waitDuration + ", backoff="
				+ this.backoff + ", multiplier=" + this.multiplier + ", maxWaitDuration=" + this.maxWaitDuration
				+ ", jitter=" + this.jitter + ", retryExceptions=" + this.retryExceptions + ", ignoreExceptions="
				+ this.ignoreExceptions + ", budget=" + this.budget + ", respectRetryAfter=" + this.respectRetryAfter
				+ "]";
	}

	/** How the backoff grows between attempts. */
	public enum Backoff {

		/** Every backoff is {@code wait-duration}. */
		FIXED,

		/**
		 * {@code wait-duration * multiplier^(retry - 1)}, capped at
		 * {@code max-wait-duration}.
		 */
		EXPONENTIAL

	}

	/**
	 * Randomisation of each backoff, after the formulas of AWS's "Exponential Backoff and
	 * Jitter": with {@code b} the backoff before jitter, {@code cap} the max wait and
	 * {@code base} the wait duration.
	 */
	public enum Jitter {

		/** Wait exactly {@code b}. */
		NONE,

		/** Uniform in {@code [0, b]}. */
		FULL,

		/** {@code b/2} plus uniform in {@code [0, b/2]}. */
		EQUAL,

		/**
		 * {@code min(cap, uniform in [base, previous * 3])}, the previous wait starting
		 * at {@code base}.
		 */
		DECORRELATED

	}

	/** Builder; each setter validates its argument. */
	public static final class Builder {

		private int maxAttempts = DEFAULT_MAX_ATTEMPTS;

		private Duration waitDuration = DEFAULT_WAIT_DURATION;

		private Backoff backoff = DEFAULT_BACKOFF;

		private double multiplier = DEFAULT_MULTIPLIER;

		private Duration maxWaitDuration = DEFAULT_MAX_WAIT_DURATION;

		private Jitter jitter = DEFAULT_JITTER;

		private List<Class<? extends Throwable>> retryExceptions = List.of();

		private List<Class<? extends Throwable>> ignoreExceptions = List.of();

		private BudgetConfig budget = BudgetConfig.ofDefaults();

		private boolean respectRetryAfter = DEFAULT_RESPECT_RETRY_AFTER;

		private RetryAfterReader retryAfterReader = RetryAfterReader.NONE;

		private Builder() {
		}

		public Builder maxAttempts(int maxAttempts) {
			this.maxAttempts = requireAtLeast(maxAttempts, 1, "maxAttempts");
			return this;
		}

		public Builder waitDuration(Duration waitDuration) {
			this.waitDuration = requireNonNegative(waitDuration, "waitDuration");
			return this;
		}

		public Builder backoff(Backoff backoff) {
			this.backoff = requireNonNull(backoff, "backoff");
			return this;
		}

		public Builder multiplier(double multiplier) {
			requireArgument(multiplier >= 1.0 && Double.isFinite(multiplier),
					"multiplier must be a finite number >= 1.0 but was " + multiplier);
			this.multiplier = multiplier;
			return this;
		}

		public Builder maxWaitDuration(Duration maxWaitDuration) {
			this.maxWaitDuration = requireNonNegative(maxWaitDuration, "maxWaitDuration");
			return this;
		}

		public Builder jitter(Jitter jitter) {
			this.jitter = requireNonNull(jitter, "jitter");
			return this;
		}

		public Builder retryExceptions(List<Class<? extends Throwable>> retryExceptions) {
			this.retryExceptions = List.copyOf(requireNonNull(retryExceptions, "retryExceptions"));
			return this;
		}

		public Builder ignoreExceptions(List<Class<? extends Throwable>> ignoreExceptions) {
			this.ignoreExceptions = List.copyOf(requireNonNull(ignoreExceptions, "ignoreExceptions"));
			return this;
		}

		public Builder budget(BudgetConfig budget) {
			this.budget = requireNonNull(budget, "budget");
			return this;
		}

		public Builder respectRetryAfter(boolean respectRetryAfter) {
			this.respectRetryAfter = respectRetryAfter;
			return this;
		}

		public Builder retryAfterReader(RetryAfterReader retryAfterReader) {
			this.retryAfterReader = requireNonNull(retryAfterReader, "retryAfterReader");
			return this;
		}

		/**
		 * @throws InvalidConfigurationException if the max wait duration is shorter than
		 * the wait duration
		 */
		public RetryConfig build() {
			if (this.maxWaitDuration.compareTo(this.waitDuration) < 0) {
				throw new InvalidConfigurationException("maxWaitDuration", this.maxWaitDuration,
						"must not be shorter than {waitDuration}", related("waitDuration", this.waitDuration))
					.withConverse("waitDuration", "must not be longer than {maxWaitDuration}");
			}
			return new RetryConfig(this);
		}

	}

	/**
	 * The retry budget: retries may add at most {@code ratio} of the recent calls as
	 * extra load, and are always allowed up to {@code minRetriesPerSecond}.
	 */
	public static final class BudgetConfig {

		public static final boolean DEFAULT_ENABLED = true;

		public static final double DEFAULT_RATIO = 0.2;

		public static final int DEFAULT_MIN_RETRIES_PER_SECOND = 10;

		public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);

		private static final BudgetConfig DEFAULTS = new BudgetConfig(DEFAULT_ENABLED, DEFAULT_RATIO,
				DEFAULT_MIN_RETRIES_PER_SECOND, DEFAULT_WINDOW);

		private static final BudgetConfig DISABLED = new BudgetConfig(false, DEFAULT_RATIO,
				DEFAULT_MIN_RETRIES_PER_SECOND, DEFAULT_WINDOW);

		private final boolean enabled;

		private final double ratio;

		private final int minRetriesPerSecond;

		private final Duration window;

		private BudgetConfig(boolean enabled, double ratio, int minRetriesPerSecond, Duration window) {
			this.enabled = enabled;
			this.ratio = ratio;
			this.minRetriesPerSecond = minRetriesPerSecond;
			this.window = window;
		}

		public static BudgetConfig ofDefaults() {
			return DEFAULTS;
		}

		public static BudgetConfig disabled() {
			return DISABLED;
		}

		/**
		 * @param ratio share of recent calls that may be retries, in (0, 1]
		 * @param minRetriesPerSecond retries always allowed per second, at least 0
		 * @param window how far back "recent" reaches, at least one second
		 * @throws InvalidConfigurationException naming the first argument out of its
		 * range
		 */
		public static BudgetConfig of(double ratio, int minRetriesPerSecond, Duration window) {
			if (!(ratio > 0 && ratio <= 1)) {
				throw InvalidConfigurationException.of("ratio", ratio, "must be in (0, 1]");
			}
			if (minRetriesPerSecond < 0) {
				throw InvalidConfigurationException.of("minRetriesPerSecond", minRetriesPerSecond,
						"must be at least 0");
			}
			requireNonNull(window, "window");
			if (window.compareTo(Duration.ofSeconds(1)) < 0) {
				throw InvalidConfigurationException.of("window", window, "must be at least 1s");
			}
			return new BudgetConfig(true, ratio, minRetriesPerSecond, window);
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public double getRatio() {
			return this.ratio;
		}

		public int getMinRetriesPerSecond() {
			return this.minRetriesPerSecond;
		}

		public Duration getWindow() {
			return this.window;
		}

		@Override
		public String toString() {
			return this.enabled ? "BudgetConfig[ratio=" + this.ratio + ", minRetriesPerSecond="
					+ this.minRetriesPerSecond + ", window=" + this.window + "]" : "BudgetConfig[disabled]";
		}

	}

}
