package dev.resilience.bulkhead;

import dev.resilience.ResilienceException;

/**
 * Thrown instead of calling the protected method when a bulkhead has no permit left after
 * the configured wait, or a thread-pool bulkhead's queue is full. Carries no stack trace,
 * since it is raised on the load-shedding path and would only point into the engine.
 */
public class BulkheadFullException extends ResilienceException {

	/**
	 * @param bulkheadName name of the refusing bulkhead
	 * @param detail what was full, such as
	 * {@code "25 concurrent calls in flight, waited 0ms"}
	 */
	public BulkheadFullException(String bulkheadName, String detail) {
		super(bulkheadName, "Bulkhead '" + bulkheadName + "' is full: " + detail, false);
	}

}
