package dev.resilience.spring.autoconfigure;

import java.time.Duration;

/**
 * Settings of a hedge, bound both from {@code resilience.hedge.defaults} and from each
 * {@code resilience.hedge.instances.<name>}. A {@code null} field is a key left unset: an
 * instance then inherits the value of {@code defaults}, and {@code defaults} the engine's
 * default (documented in the configuration metadata). Ranges are the engine's, checked
 * when {@link ResilienceConfigurations} builds the configuration.
 * <p>
 * Mutable and not thread-safe, as every bound properties object.
 */
public class HedgeSettings {

	/**
	 * How long an attempt runs alone before the next attempt is sent beside it; with
	 * delay-quantile, the shortest wait. Must be positive.
	 */
	private Duration delay;

	/**
	 * Quantile of recent successful attempt latencies to wait before hedging, such as
	 * 0.95; the wait is never shorter than delay. In (0, 1). Unset: wait delay alone.
	 */
	private Double delayQuantile;

	/**
	 * How many attempts a call may add to its first one, one delay apart. In [1, 10].
	 */
	private Integer maxHedgedAttempts;

	/**
	 * Hedge budget, capping hedged attempts to a share of recent calls.
	 */
	private final Budget budget = new Budget();

	public Duration getDelay() {
		return this.delay;
	}

	public void setDelay(Duration delay) {
		this.delay = delay;
	}

	public Double getDelayQuantile() {
		return this.delayQuantile;
	}

	public void setDelayQuantile(Double delayQuantile) {
		this.delayQuantile = delayQuantile;
	}

	public Integer getMaxHedgedAttempts() {
		return this.maxHedgedAttempts;
	}

	public void setMaxHedgedAttempts(Integer maxHedgedAttempts) {
		this.maxHedgedAttempts = maxHedgedAttempts;
	}

	public Budget getBudget() {
		return this.budget;
	}

	/** Hedge budget; a {@code null} key is unset and inherited like the others. */
	public static class Budget {

		/**
		 * Share of recent calls that may send a hedged attempt: hedged attempts over the
		 * window stay at or below ratio times the calls. In (0, 1].
		 */
		private Double ratio;

		/**
		 * How far back recent calls and hedges are counted; also how long a learned
		 * latency counts for delay-quantile. Must be positive.
		 */
		private Duration window;

		public Double getRatio() {
			return this.ratio;
		}

		public void setRatio(Double ratio) {
			this.ratio = ratio;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

	}

}
