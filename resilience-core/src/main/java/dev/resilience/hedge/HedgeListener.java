package dev.resilience.hedge;

/**
 * Observes the calls of a {@link Hedge}. Runs on the thread that ended the call or sent
 * the hedge (an attempt's completing thread, or the scheduler's), so it must be fast and
 * thread-safe. A listener that throws is logged and ignored; a
 * {@link VirtualMachineError} propagates.
 */
public interface HedgeListener {

	/**
	 * A hedged attempt is about to start.
	 * @param hedge the hedge
	 * @param attempt the attempt's number, 2 for the first hedge
	 */
	default void onHedge(Hedge hedge, int attempt) {
	}

	/**
	 * A call has ended, or its budget refused a hedge
	 * ({@link HedgeOutcome#BUDGET_EXHAUSTED}).
	 * @param hedge the hedge
	 * @param outcome what happened
	 */
	default void onOutcome(Hedge hedge, HedgeOutcome outcome) {
	}

}
