package dev.resilience.hedge;

/**
 * What happened to one call through a {@link Hedge}; the names match the {@code kind} tag
 * of the {@code resilience.hedge.calls} meter in lower case. A call ends with one of
 * {@link #PRIMARY_WON}, {@link #HEDGE_WON} or {@link #FAILED} (or with none, when its
 * caller cancelled it); {@link #BUDGET_EXHAUSTED} is counted in addition, once for a call
 * that wanted a hedge the budget refused.
 */
public enum HedgeOutcome {

	/** The first attempt succeeded first. */
	PRIMARY_WON,

	/** A hedged attempt succeeded first. */
	HEDGE_WON,

	/** Every attempt failed; the call failed with the last failure. */
	FAILED,

	/**
	 * The delay passed but the budget refused the hedge: the call goes on with the
	 * attempts it has (and ends with one of the other outcomes too).
	 */
	BUDGET_EXHAUSTED

}
