package dev.resilience;

/**
 * Where the engine waits. Asynchronous work (retry backoff of a {@code CompletionStage} call) is
 * scheduled, never slept on; a synchronous caller that must wait (retry backoff of a plain call,
 * a bulkhead's bounded wait) parks through {@link #sleep(long)} so tests can replace the wait with
 * an advance of a fake clock.
 */
public interface Scheduler {

	/**
	 * Runs {@code task} once after {@code delayNanos}.
	 * @return a handle that cancels the task if it has not started
	 */
	Cancellable schedule(Runnable task, long delayNanos);

	/** Blocks the calling thread for {@code delayNanos}. */
	void sleep(long delayNanos) throws InterruptedException;

	/** The process-wide scheduler: one daemon thread for delayed tasks. */
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
