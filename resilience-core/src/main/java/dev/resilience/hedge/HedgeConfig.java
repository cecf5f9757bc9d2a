package dev.resilience.hedge;

import java.time.Duration;
import java.util.OptionalDouble;

import dev.resilience.InvalidConfigurationException;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * Immutable configuration of a {@link Hedge}. Built with {@link #custom()}; the defaults
 * are those of {@code resilience.hedge.defaults}.
 */
public final class HedgeConfig {

	public static final Duration DEFAULT_DELAY = Duration.ofMillis(100);

	public static final int DEFAULT_MAX_HEDGED_ATTEMPTS = 1;

	/**
	 * The most hedged attempts a call may make: beyond a handful, more copies of a call
	 * only add load.
	 */
	public static final int MAX_HEDGED_ATTEMPTS_LIMIT = 10;

	public static final double DEFAULT_BUDGET_RATIO = 0.1;

	public static final Duration DEFAULT_BUDGET_WINDOW = Duration.ofSeconds(10);

	private static final HedgeConfig DEFAULTS = custom().build();

	private final Duration delay;

	private final double delayQuantile;

	private final int maxHedgedAttempts;

	private final double budgetRatio;

	private final Duration budgetWindow;

	private HedgeConfig(Builder builder) {
		this.delay = builder.delay;
		this.delayQuantile = builder.delayQuantile;
		this.maxHedgedAttempts = builder.maxHedgedAttempts;
		this.budgetRatio = builder.budgetRatio;
		this.budgetWindow = builder.budgetWindow;
	}

	public static HedgeConfig ofDefaults() {
		return DEFAULTS;
	}

	public static Builder custom() {
		return new Builder();
	}

	public Builder toBuilder() {
		Builder builder = new Builder().delay(this.delay)
			.maxHedgedAttempts(this.maxHedgedAttempts)
			.budgetRatio(this.budgetRatio)
			.budgetWindow(this.budgetWindow);
		builder.delayQuantile = this.delayQuantile;
		return builder;
	}

	/**
	 * How long an attempt runs alone before the next one is sent; with a
	 * {@linkplain #getDelayQuantile() delay quantile}, the shortest wait.
	 */
	public Duration getDelay() {
		return this.delay;
	}

	/**
	 * The quantile of recent successful attempt latencies to wait before hedging (the
	 * wait is the larger of it and {@link #getDelay()}), or empty to wait {@code delay}
	 * alone.
	 */
	public OptionalDouble getDelayQuantile() {
		return Double.isNaN(this.delayQuantile) ? OptionalDouble.empty() : OptionalDouble.of(this.delayQuantile);
	}

	/** How many attempts a call may add to its first one. */
	public int getMaxHedgedAttempts() {
		return this.maxHedgedAttempts;
	}

	/**
	 * Share of recent calls that may send a hedged attempt: hedged attempts over the
	 * {@linkplain #getBudgetWindow() window} stay at or below this ratio of calls.
	 */
	public double getBudgetRatio() {
		return this.budgetRatio;
	}

	/**
	 * How far back the budget counts calls and hedges; also how long a learned latency
	 * counts (one to two windows).
	 */
	public Duration getBudgetWindow() {
		return this.budgetWindow;
	}

	@Override
	public String toString() {
		return "HedgeConfig[delay=" + this.delay + ", delayQuantile="
				+ (Double.isNaN(this.delayQuantile) ? "none" : this.delayQuantile) + ", maxHedgedAttempts="
				+ this.maxHedgedAttempts + ", budgetRatio=" + this.budgetRatio + ", budgetWindow=" + this.budgetWindow
				+ "]";
	}

	/** Builder; each setter validates its argument. */
	public static final class Builder {

		private Duration delay = DEFAULT_DELAY;

		private double delayQuantile = Double.NaN;

		private int maxHedgedAttempts = DEFAULT_MAX_HEDGED_ATTEMPTS;

		private double budgetRatio = DEFAULT_BUDGET_RATIO;

		private Duration budgetWindow = DEFAULT_BUDGET_WINDOW;

		private Builder() {
		}

		/**
		 * @throws InvalidConfigurationException if {@code delay} is zero or negative
		 */
		public Builder delay(Duration delay) {
			this.delay = requirePositive(delay, "delay");
			return this;
		}

		/**
		 * @param quantile in (0, 1), such as {@code 0.95}
		 * @throws InvalidConfigurationException if {@code quantile} is outside (0, 1)
		 */
		public Builder delayQuantile(double quantile) {
			if (!(quantile > 0 && quantile < 1)) {
				throw InvalidConfigurationException.of("delayQuantile", quantile, "must be in (0, 1)");
			}
			this.delayQuantile = quantile;
			return this;
		}

		/** Waits {@code delay} alone, learning nothing: the default. */
		public Builder noDelayQuantile() {
			this.delayQuantile = Double.NaN;
			return this;
		}

		/**
		 * @throws InvalidConfigurationException if {@code maxHedgedAttempts} is outside
		 * [1, {@value HedgeConfig#MAX_HEDGED_ATTEMPTS_LIMIT}]
		 */
		public Builder maxHedgedAttempts(int maxHedgedAttempts) {
			if (maxHedgedAttempts < 1 || maxHedgedAttempts > MAX_HEDGED_ATTEMPTS_LIMIT) {
				throw InvalidConfigurationException.of("maxHedgedAttempts", maxHedgedAttempts,
						"must be in [1, " + MAX_HEDGED_ATTEMPTS_LIMIT + "]");
			}
			this.maxHedgedAttempts = maxHedgedAttempts;
			return this;
		}

		/**
		 * @throws InvalidConfigurationException if {@code ratio} is outside (0, 1]
		 */
		public Builder budgetRatio(double ratio) {
			if (!(ratio > 0 && ratio <= 1)) {
				throw InvalidConfigurationException.of("budgetRatio", ratio, "must be in (0, 1]");
			}
			this.budgetRatio = ratio;
			return this;
		}

		/**
		 * @throws InvalidConfigurationException if {@code window} is zero or negative
		 */
		public Builder budgetWindow(Duration window) {
			this.budgetWindow = requirePositive(window, "budgetWindow");
			return this;
		}

		public HedgeConfig build() {
			return new HedgeConfig(this);
		}

		private static Duration requirePositive(Duration value, String setting) {
			requireNonNull(value, setting);
			if (value.isNegative() || value.isZero()) {
				throw InvalidConfigurationException.of(setting, value, "must be positive");
			}
			return value;
		}

	}

}
