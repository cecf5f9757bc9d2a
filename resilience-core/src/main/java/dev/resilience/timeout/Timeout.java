package dev.resilience.timeout;

import dev.resilience.Policy;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.timeout.internal.TimeoutImpl;

/**
 * Bounds how long a call may take.
 * <p>
 * A synchronous call ({@link #execute}) runs on the caller's thread: no thread hop on the
 * success path. At the deadline that thread is interrupted (when
 * {@link TimeoutConfig#isInterrupt()}), and the call fails with
 * {@link TimeoutExceededException} as soon as it returns or throws; the interrupt the
 * timeout set is cleared again, while an interrupt the caller had before is kept. The
 * thread that watches deadlines never runs the caller's code.
 * <p>
 * An asynchronous call ({@link #executeAsync}) returns a stage that fails with
 * {@link TimeoutExceededException} at the deadline, and the call's own stage is
 * cancelled.
 * <p>
 * Thread-safe. Arming and disarming the deadline of a synchronous call allocates nothing.
 */
public interface Timeout extends Policy {

	/** A timeout on the system ticker and scheduler. */
	static Timeout of(String name, TimeoutConfig config) {
		return of(name, config, Ticker.system(), Scheduler.system());
	}

	/**
	 * A timeout reading time from {@code ticker} and failing asynchronous calls through
	 * {@code scheduler}.
	 */
	static Timeout of(String name, TimeoutConfig config, Ticker ticker, Scheduler scheduler) {
		return new TimeoutImpl(name, config, ticker, scheduler);
	}

	TimeoutConfig getConfig();

	/**
	 * Makes {@code config} this timeout's configuration for the calls that start from now
	 * on, in place: the same object, with its listeners and counters. A call already
	 * running keeps the deadline it started with.
	 * @throws NullPointerException when {@code config} is {@code null}
	 * @throws UnsupportedOperationException when this implementation cannot be
	 * reconfigured
	 */
	default void reconfigure(TimeoutConfig config) {
		throw new UnsupportedOperationException("timeout '" + getName() + "' cannot be reconfigured");
	}

	/** Live counters; the same object on every call. */
	Metrics getMetrics();

	/**
	 * Counts the outcome of a call that was bounded by this timeout's configuration but
	 * timed by the caller (a Reactor operator arming its own deadline on the same
	 * scheduler), and reports it to the listeners, exactly as for the calls this timeout
	 * runs itself. Never throws but a {@link VirtualMachineError} of a listener.
	 * @param outcome how the call ended
	 * @param durationNanos how long it took, by the ticker the call was timed on
	 */
	void record(TimeoutOutcome outcome, long durationNanos);

	/** Adds a listener; adding one already registered does nothing. */
	void addListener(TimeoutListener listener);

	/** Removes a listener; removing one not registered does nothing. */
	void removeListener(TimeoutListener listener);

	/** Counters since the timeout was created, one per {@link TimeoutOutcome}. */
	interface Metrics {

		long getNumberOfSuccessfulCalls();

		long getNumberOfFailedCalls();

		long getNumberOfTimedOutCalls();

	}

}
