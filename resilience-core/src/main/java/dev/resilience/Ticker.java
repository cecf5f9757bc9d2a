package dev.resilience;

/**
 * Source of monotonic time for the engine. Every duration the engine measures (slow
 * calls, open state wait, sliding windows, budgets, leases) is read from a
 * {@code Ticker}, never from the system clock directly, so that tests can drive time by
 * hand.
 */
@FunctionalInterface
public interface Ticker {

	/**
	 * Monotonic time in nanoseconds; only differences between two readings are
	 * meaningful.
	 */
	long read();

	/** Ticker backed by the JVM's monotonic clock. */
	static Ticker system() {
		return SystemTime.TICKER;
	}

}
