package dev.resilience.bulkhead;

/**
 * Told about a bulkhead's refusals, for metrics and logs. Called on the refused caller's
 * thread, so an implementation must be thread safe and quick; an exception it throws is
 * logged and does not change the outcome of the call.
 */
public interface BulkheadListener {

	/**
	 * A call was refused: no permit after the configured wait, or a full thread-pool
	 * queue.
	 */
	default void onCallRejected(String bulkheadName) {
	}

}
