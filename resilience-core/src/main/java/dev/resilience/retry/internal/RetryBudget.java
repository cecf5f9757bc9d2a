package dev.resilience.retry.internal;

import dev.resilience.Ticker;
import dev.resilience.internal.RatioBudget;
import dev.resilience.retry.RetryConfig.BudgetConfig;

/**
 * The retry budget of one {@code Retry}, shared by all its calls: every call deposits,
 * every retry withdraws, and a retry is made only when, counting it, the retries in the
 * window stay at or below
 * {@code max(ratio * calls in the window, minRetriesPerSecond * window seconds)}
 * (docs/retry.md, "Retry budget"). The counting is {@link RatioBudget}'s, which the hedge
 * budget shares.
 * <p>
 * Thread-safe.
 */
final class RetryBudget extends RatioBudget {

	RetryBudget(BudgetConfig config, Ticker ticker) {
		super(config.getRatio(), config.getMinRetriesPerSecond(), config.getWindow(), ticker);
	}

}
