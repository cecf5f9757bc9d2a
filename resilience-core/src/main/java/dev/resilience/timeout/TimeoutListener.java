package dev.resilience.timeout;

/**
 * Observes the calls of a {@link Timeout}. Runs on the thread that ended the call (the
 * caller for a synchronous call, the completing or the scheduler's thread for an
 * asynchronous one), so it must be fast and thread-safe. A listener that throws is logged
 * and ignored; a {@link VirtualMachineError} propagates.
 */
public interface TimeoutListener {

	/**
	 * A call has ended.
	 * @param timeout the timeout that bounded it
	 * @param outcome how it ended
	 * @param durationNanos how long it took, by the timeout's ticker (at least the
	 * duration for {@link TimeoutOutcome#TIMED_OUT})
	 */
	default void onOutcome(Timeout timeout, TimeoutOutcome outcome, long durationNanos) {
	}

}
