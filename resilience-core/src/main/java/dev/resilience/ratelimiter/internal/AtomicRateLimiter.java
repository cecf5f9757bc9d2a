package dev.resilience.ratelimiter.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.internal.Durations;
import dev.resilience.internal.ListenerList;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.ratelimiter.RateLimiterListener;
import dev.resilience.ratelimiter.RateLimiterOutcome;
import dev.resilience.ratelimiter.RequestNotPermittedException;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * {@link RateLimiter} over {@link CyclePermits}. A permit of the current cycle costs one
 * compare-and-set and allocates nothing. A caller that may wait reserves a permit of a
 * later cycle first, then waits for its cycle: a synchronous caller through
 * {@link Scheduler#sleep(long)}, an asynchronous one as a task scheduled for that moment
 * ({@link DelayedCall}). A permit is counted, and reported to the listeners, once the
 * call may start.
 * <p>
 * A reserved permit that goes unused (the waiting thread is interrupted, the caller
 * cancels the stage of a waiting call) is handed back when no later permit was reserved
 * since; otherwise it is lost, and its cycle lets one call fewer through.
 */
public final class AtomicRateLimiter implements RateLimiter, RateLimiter.Metrics {

	private static final System.Logger LOGGER = System.getLogger("dev.resilience.ratelimiter");

	private final String name;

	private final Ticker ticker;

	private final Scheduler scheduler;

	private final ContextPropagator propagator;

	/**
	 * The configuration and the permits it counts, replaced whole by
	 * {@link #reconfigure}: a call reads it once.
	 */
	private volatile Limits limits;

	private final LongAdder permitted = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	/** Serializes reconfigurations; never taken by a call. */
	private final ReentrantLock reconfiguring = new ReentrantLock();

	private final ListenerList<RateLimiterListener> listeners;

	public AtomicRateLimiter(String name, RateLimiterConfig config, Ticker ticker, Scheduler scheduler,
			ContextPropagator propagator) {
		this.name = requireNonNull(name, "name");
		this.ticker = requireNonNull(ticker, "ticker");
		this.scheduler = requireNonNull(scheduler, "scheduler");
		this.propagator = requireNonNull(propagator, "propagator");
		this.limits = new Limits(requireNonNull(config, "config"), ticker, null);
		this.listeners = new ListenerList<>(LOGGER, "RateLimiter '" + name + "'");
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public RateLimiterConfig getConfig() {
		return this.limits.config;
	}

	/**
	 * Takes {@code config} for the calls that ask from now on. With the same limit and
	 * period only the timeout changes and the current cycle goes on; otherwise a new
	 * cycle with the new limit starts now, and calls already waiting for a permit of the
	 * old cycles keep it.
	 */
	@Override
	public void reconfigure(RateLimiterConfig config) {
		this.reconfiguring.lock();
		try {
			this.limits = new Limits(requireNonNull(config, "config"), this.ticker, this.limits);
		}
		finally {
			this.reconfiguring.unlock();
		}
	}

	@Override
	public Metrics getMetrics() {
		return this;
	}

	@Override
	public boolean tryAcquirePermission() {
		long permit = this.limits.permits.reserve(0);
		if (permit < 0) {
			rejected();
			return false;
		}
		permitted();
		return true;
	}

	@Override
	public void acquirePermission() {
		Limits limits = this.limits;
		CyclePermits permits = limits.permits;
		long permit = permits.reserve(limits.timeoutNanos);
		if (permit < 0) {
			throw refused(-permit);
		}
		long wait = permits.nanosUntilDue(permit);
		if (wait > 0) {
			awaitDue(permits, permit, wait);
		}
		permitted();
	}

	/**
	 * Sleeps until the cycle of {@code permit} starts; the loop covers a scheduler that
	 * wakes early.
	 */
	private void awaitDue(CyclePermits permits, long permit, long wait) {
		try {
			do {
				this.scheduler.sleep(wait);
				wait = permits.nanosUntilDue(permit);
			}
			while (wait > 0);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			permits.giveBack(permit);
			throw refused(Math.max(1, permits.nanosUntilNextFree()));
		}
	}

	@Override
	public <A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable {
		acquirePermission();
		return call.apply(argument);
	}

	@Override
	public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
			A argument) {
		Limits limits = this.limits;
		CyclePermits permits = limits.permits;
		long permit = permits.reserve(limits.timeoutNanos);
		if (permit < 0) {
			return CompletableFuture.failedFuture(refused(-permit));
		}
		long wait = permits.nanosUntilDue(permit);
		if (wait > 0) {
			return new DelayedCall<>(this, permits, call, argument, permit).start(wait);
		}
		permitted();
		return startCall(call, argument);
	}

	/** Runs a permitted asynchronous call; never throws. */
	<A, T> CompletionStage<T> startCall(CheckedFunction<? super A, ? extends CompletionStage<T>> call, A argument) {
		CompletionStage<T> stage;
		try {
			stage = call.apply(argument);
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
		if (stage == null) {
			return CompletableFuture.failedFuture(new NullPointerException(
					"Call in rate limiter '" + this.name + "' returned null instead of a CompletionStage"));
		}
		return stage;
	}

	Scheduler scheduler() {
		return this.scheduler;
	}

	Runnable propagate(Runnable task) {
		return this.propagator.wrap(task);
	}

	void permitted() {
		this.permitted.increment();
		this.listeners.fire(RateLimiterListener::onOutcome, this, RateLimiterOutcome.PERMITTED);
	}

	/** Counts and reports a refusal, and returns the exception that tells the caller. */
	RequestNotPermittedException refused(long retryAfterNanos) {
		this.rejected.increment();
		this.listeners.fire(RateLimiterListener::onOutcome, this, RateLimiterOutcome.REJECTED);
		return new RequestNotPermittedException(this.name, Duration.ofNanos(retryAfterNanos));
	}

	private void rejected() {
		this.rejected.increment();
		this.listeners.fire(RateLimiterListener::onOutcome, this, RateLimiterOutcome.REJECTED);
	}

	/** One configuration with the permits it counts. */
	private static final class Limits {

		final RateLimiterConfig config;

		final CyclePermits permits;

		final long timeoutNanos;

		/**
		 * @param previous the limits replaced, whose permits go on when the limit and the
		 * period are the same; {@code null} at creation
		 */
		Limits(RateLimiterConfig config, Ticker ticker, Limits previous) {
			this.config = config;
			this.permits = (previous != null && previous.config.getLimitForPeriod() == config.getLimitForPeriod()
					&& previous.config.getLimitRefreshPeriod().equals(config.getLimitRefreshPeriod()))
							? previous.permits
							: new CyclePermits(ticker, Durations.toNanosSaturated(config.getLimitRefreshPeriod()),
									config.getLimitForPeriod());
			this.timeoutNanos = Durations.toNanosSaturated(config.getTimeoutDuration());
		}

	}

	@Override
	public void addListener(RateLimiterListener listener) {
		this.listeners.add(listener);
	}

	@Override
	public void removeListener(RateLimiterListener listener) {
		this.listeners.remove(listener);
	}

	@Override
	public int getAvailablePermissions() {
		long available = this.limits.permits.available();
		return (int) Math.max(Integer.MIN_VALUE, available);
	}

	@Override
	public long getNumberOfPermittedCalls() {
		return this.permitted.sum();
	}

	@Override
	public long getNumberOfRejectedCalls() {
		return this.rejected.sum();
	}

	@Override
	public String toString() {
		return "RateLimiter '" + this.name + "' (" + getAvailablePermissions() + "/"
				+ this.limits.config.getLimitForPeriod() + " available)";
	}

}
