package dev.resilience;

/**
 * Carries the caller's context (MDC, security, tracing) to asynchronous continuations the
 * engine runs on other threads: a retry scheduled after a backoff, a call handed to a
 * thread-pool bulkhead. {@link #wrap(Runnable)} is called on the caller's thread and
 * captures; the returned task restores that context around {@code task} wherever it runs.
 */
@FunctionalInterface
public interface ContextPropagator {

	/** Propagates nothing. */
	ContextPropagator NONE = (task) -> task;

	Runnable wrap(Runnable task);

}
