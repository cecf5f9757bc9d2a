package dev.resilience;

/**
 * Where the engine waits for time to pass. Asynchronous work (the backoff before a retry
 * of a {@code CompletionStage} call) is {@linkplain #schedule scheduled}, never slept on;
 * a synchronous caller that must wait (the backoff before a retry of a plain call, an
 * idempotent call waiting for the same key's call in progress, the pause between two
 * store attempts) parks through {@link #sleep(long)}, so tests can replace the wait with
 * an advance of a fake clock.
 * <p>
 * A semaphore bulkhead's bounded wait does not go through the scheduler: a caller waiting
 * for a permit parks in the bulkhead's own queue, for at most the configured wait in real
 * time, and is woken by the next release.
 */
public interface Scheduler {

	/**
	 * Runs {@code task} once after {@code delayNanos}.
	 * @return a handle that cancels the task if it has not started
	 */
	Cancellable schedule(Runnable task, long delayNanos);

	/** Blocks the calling thread for {@code delayNanos}. */
	void sleep(long delayNanos) throws InterruptedException;

	/**
	 * The process-wide scheduler: a pool of daemon threads
	 * ({@code resilience-scheduler-N}, one per available processor and at least two) runs
	 * delayed tasks, so that a retried call that blocks before returning its stage does
	 * not hold up every other one; {@link #sleep(long)} parks the calling thread on the
	 * system clock and ends early, with an {@link InterruptedException}, when the thread
	 * is interrupted.
	 */
	static Scheduler system() {
		return SystemTime.SCHEDULER;
	}

	/** Handle of a scheduled task. */
	@FunctionalInterface
	interface Cancellable {

		/** Cancels the task; a no-op when it already ran. */
		void cancel();

	}

}
