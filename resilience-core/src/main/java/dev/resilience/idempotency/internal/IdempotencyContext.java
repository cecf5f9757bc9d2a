package dev.resilience.idempotency.internal;

import java.lang.System.Logger;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.IdempotencyListener;
import dev.resilience.idempotency.IdempotencyOutcome;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.IdempotencyStoreUnavailableException;
import dev.resilience.internal.Durations;
import dev.resilience.internal.ListenerList;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * What every part of one idempotency instance shares: its name, configuration, store,
 * clock, scheduler, I/O executor and listeners, and the few things each path does the
 * same way (reporting an outcome, handing a store operation to the I/O executor, pausing
 * between store attempts). Immutable but for the listener list; thread-safe.
 */
final class IdempotencyContext {

	/**
	 * First pause between polls of an in-progress record; doubled up to
	 * {@link #MAX_POLL_NANOS}.
	 */
	static final long INITIAL_POLL_NANOS = 10_000_000L;

	static final long MAX_POLL_NANOS = 250_000_000L;

	static final Logger logger = System.getLogger("dev.resilience.idempotency");

	final String name;

	final String namespace;

	final IdempotencyConfig config;

	final IdempotencyStore store;

	final Ticker ticker;

	final Scheduler scheduler;

	final Executor ioExecutor;

	final ContextPropagator propagator;

	/**
	 * How long a repeat waits for an in-progress record ({@code WAIT}); saturated, never
	 * overflowing.
	 */
	final long inProgressWaitNanos;

	/** Period of lease renewals: a third of {@code in-progress-timeout}. */
	final long renewalNanos;

	final ListenerList<IdempotencyListener> listeners;

	IdempotencyContext(String name, String namespace, IdempotencyConfig config, IdempotencyStore store, Ticker ticker,
			Scheduler scheduler, Executor ioExecutor, ContextPropagator propagator) {
		this.name = requireNonNull(name, "name");
		this.namespace = namespace;
		this.config = requireNonNull(config, "config");
		this.store = requireNonNull(store, "store");
		this.ticker = requireNonNull(ticker, "ticker");
		this.scheduler = requireNonNull(scheduler, "scheduler");
		this.ioExecutor = requireNonNull(ioExecutor, "ioExecutor");
		this.propagator = requireNonNull(propagator, "propagator");
		this.inProgressWaitNanos = Durations.toNanosSaturated(config.getInProgressWait());
		// three chances to renew before the lease ends, so one slow or failed renewal
		// costs nothing
		this.renewalNanos = Math.max(1, Durations.toNanosSaturated(config.getInProgressTimeout()) / 3);
		this.listeners = new ListenerList<>(logger, "Idempotency '" + name + "'");
	}

	/**
	 * Reports {@code outcome} to every listener; a broken listener does not change the
	 * call's outcome.
	 */
	void publish(IdempotencyOutcome outcome) {
		this.listeners.fire(IdempotencyListener::onOutcome, this.name, outcome);
	}

	/**
	 * Runs a store operation on the I/O executor. When the executor refuses it (shut down
	 * with its application context, or saturated) the operation gets a thread of its own:
	 * never the thread that asked, which may be an I/O event loop that completed the
	 * method's stage, or the scheduler's timer thread.
	 */
	void dispatch(Runnable task) {
		try {
			this.ioExecutor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			Thread overflow = new Thread(task, "resilience-idempotency-overflow");
			overflow.setDaemon(true);
			overflow.start();
		}
	}

	/**
	 * Pauses between two store attempts; {@code false} when interrupted (the flag is
	 * kept).
	 */
	boolean pause(long nanos) {
		try {
			this.scheduler.sleep(nanos);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	IdempotencyStoreUnavailableException unavailable(String operation, RuntimeException ex) {
		return new IdempotencyStoreUnavailableException(this.name,
				"Idempotency '" + this.name + "': the store failed to " + operation
						+ " the record, so the call was refused (" + ex.getMessage() + ")",
				ex);
	}

}
