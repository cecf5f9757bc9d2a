package dev.resilience.ratelimiter.internal;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.internal.Durations;
import dev.resilience.internal.Failures;
import dev.resilience.internal.ListenerList;
import dev.resilience.ratelimiter.PermitStore;
import dev.resilience.ratelimiter.PermitStore.PermitDecision;
import dev.resilience.ratelimiter.PermitStore.PermitRequest;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.ratelimiter.RateLimiterConfig.OnStoreUnavailable;
import dev.resilience.ratelimiter.RateLimiterListener;
import dev.resilience.ratelimiter.RateLimiterOutcome;
import dev.resilience.ratelimiter.RequestNotPermittedException;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * {@link RateLimiter} of cluster scope: each permit is decided by a {@link PermitStore}
 * shared by every application instance, one store round trip per call.
 * <p>
 * <b>Outages.</b> A store that fails or does not answer within the store timeout starts
 * an outage: one WARN line, then every call is decided at once without the store (let
 * through or refused, as {@link RateLimiterConfig#getOnStoreUnavailable()} says; counted
 * as {@link RateLimiterOutcome#STORE_UNAVAILABLE}), except one call per
 * {@link #PROBE_INTERVAL_NANOS}, which asks the store again. The first answer ends the
 * outage with one INFO line. So an outage costs no call more than the store timeout, and
 * most calls nothing.
 * <p>
 * <b>Waiting.</b> A permit of a later period, reserved in the store within the timeout
 * duration, is waited for as by the instance limiter: a synchronous caller sleeps on the
 * scheduler, an asynchronous call is scheduled. A reservation whose caller gives up
 * (interrupted, cancelled) is lost: the store cannot take it back safely.
 * <p>
 * <b>Threads.</b> An asynchronous call starts on the scheduler's thread, in the caller's
 * context, never on the store client's I/O thread (a method that itself used the store's
 * client synchronously there would wait on itself).
 */
public final class ClusterRateLimiter implements RateLimiter, RateLimiter.Metrics {

	/** While the store is out, one call per this interval asks it again. */
	public static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final System.Logger LOGGER = System.getLogger("dev.resilience.ratelimiter");

	private final String name;

	private final RateLimiterConfig config;

	private final PermitStore store;

	private final Ticker ticker;

	private final Scheduler scheduler;

	private final ContextPropagator propagator;

	/** The request of a caller that may wait up to the timeout duration. */
	private final PermitRequest waiting;

	/** The request of {@link #tryAcquirePermission()}, which never waits. */
	private final PermitRequest immediate;

	private final boolean allowWithoutStore;

	private final LongAdder permitted = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	private final LongAdder storeUnavailable = new LongAdder();

	private final ListenerList<RateLimiterListener> listeners;

	/** Permits left as the store said at its last decision. */
	private volatile int available;

	/** Whether an outage is under way. */
	private final AtomicBoolean out = new AtomicBoolean();

	/** During an outage, when the next call may ask the store (ticker time). */
	private final AtomicLong nextProbe = new AtomicLong();

	/** Calls decided without the store in the current outage, for the closing line. */
	private final AtomicLong decidedWithoutStore = new AtomicLong();

	public ClusterRateLimiter(String name, RateLimiterConfig config, PermitStore store, Ticker ticker,
			Scheduler scheduler, ContextPropagator propagator) {
		this.name = requireNonNull(name, "name");
		this.config = requireNonNull(config, "config");
		this.store = requireNonNull(store, "store");
		this.ticker = requireNonNull(ticker, "ticker");
		this.scheduler = requireNonNull(scheduler, "scheduler");
		this.propagator = requireNonNull(propagator, "propagator");
		if (config.getScope() != RateLimiterConfig.Scope.CLUSTER) {
			throw new IllegalArgumentException("RateLimiter '" + name + "' is not of cluster scope: " + config);
		}
		long period = Durations.toNanosSaturated(config.getLimitRefreshPeriod());
		long timeout = Durations.toNanosSaturated(config.getStoreTimeout());
		this.waiting = new PermitRequest(name, config.getLimitForPeriod(), period,
				Durations.toNanosSaturated(config.getTimeoutDuration()), timeout);
		this.immediate = new PermitRequest(name, config.getLimitForPeriod(), period, 0, timeout);
		this.allowWithoutStore = config.getOnStoreUnavailable() == OnStoreUnavailable.ALLOW;
		this.available = config.getLimitForPeriod();
		this.listeners = new ListenerList<>(LOGGER, "RateLimiter '" + name + "'");
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public RateLimiterConfig getConfig() {
		return this.config;
	}

	@Override
	public Metrics getMetrics() {
		return this;
	}

	@Override
	public boolean isStoreAvailable() {
		return !this.out.get();
	}

	@Override
	public boolean tryAcquirePermission() {
		if (!mayAskStore()) {
			return decideWithoutStore();
		}
		PermitDecision decision;
		try {
			decision = answer(this.store.acquire(this.immediate));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			rejected();
			return false;
		}
		catch (Exception ex) {
			storeFailed(ex);
			return decideWithoutStore();
		}
		storeAnswered(decision);
		if (!decision.permitted()) {
			rejected();
			return false;
		}
		// A store that reserved a later permit against an immediate request broke its
		// contract; the call goes ahead rather than wait unasked.
		permitted();
		return true;
	}

	@Override
	public void acquirePermission() {
		if (!mayAskStore()) {
			requirePermittedWithoutStore();
			return;
		}
		PermitDecision decision;
		try {
			decision = answer(this.store.acquire(this.waiting));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw refused(1);
		}
		catch (Exception ex) {
			storeFailed(ex);
			requirePermittedWithoutStore();
			return;
		}
		storeAnswered(decision);
		if (!decision.permitted()) {
			throw refused(decision.nanos());
		}
		if (decision.nanos() > 0) {
			awaitReservation(decision.nanos());
		}
		permitted();
	}

	/** A store's answer; a missing one is a store failure. */
	static PermitDecision answer(PermitDecision decision) {
		if (decision == null) {
			throw new IllegalStateException("the permit store answered null instead of a decision");
		}
		return decision;
	}

	private void awaitReservation(long wait) {
		long due = this.ticker.read() + wait;
		try {
			do {
				this.scheduler.sleep(wait);
				wait = due - this.ticker.read();
			}
			while (wait > 0);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw refused(Math.max(1, due - this.ticker.read()));
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
		ClusterCall<A, T> pending = new ClusterCall<>(this, call, argument);
		if (!mayAskStore()) {
			return pending.decidedWithoutStore();
		}
		CompletionStage<PermitDecision> decision;
		try {
			decision = this.store.acquireAsync(this.waiting);
		}
		catch (Throwable ex) {
			Failures.rethrowIfFatal(ex);
			storeFailed(ex);
			return pending.decidedWithoutStore();
		}
		return pending.await(decision);
	}

	/**
	 * Whether this call may ask the store: always, but during an outage only the first
	 * call after each probe interval.
	 */
	private boolean mayAskStore() {
		if (!this.out.get()) {
			return true;
		}
		long probe = this.nextProbe.get();
		long now = this.ticker.read();
		return now - probe >= 0 && this.nextProbe.compareAndSet(probe, now + PROBE_INTERVAL_NANOS);
	}

	void storeAnswered(PermitDecision decision) {
		long left = decision.permitsLeft();
		this.available = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, left));
		if (this.out.get() && this.out.compareAndSet(true, false)) {
			long without = this.decidedWithoutStore.getAndSet(0);
			LOGGER.log(System.Logger.Level.INFO,
					() -> "RateLimiter '" + this.name + "' reaches its permit store again; " + without + " calls were "
							+ (this.allowWithoutStore ? "let through" : "refused") + " without it");
		}
	}

	void storeFailed(Throwable failure) {
		Failures.rethrowIfFatal(failure);
		this.nextProbe.set(this.ticker.read() + PROBE_INTERVAL_NANOS);
		if (this.out.compareAndSet(false, true)) {
			LOGGER.log(System.Logger.Level.WARNING,
					() -> "RateLimiter '" + this.name + "' cannot reach its permit store (" + describe(failure)
							+ "); calls are " + (this.allowWithoutStore ? "let through" : "refused")
							+ " without the limit until it answers, asking it again every second");
		}
	}

	private static String describe(Throwable failure) {
		Throwable cause = Failures.unwrap(failure);
		return (cause.getMessage() != null) ? cause.getClass().getSimpleName() + ": " + cause.getMessage()
				: cause.getClass().getSimpleName();
	}

	/**
	 * Counts a call decided without the store and says whether it goes ahead.
	 */
	boolean decideWithoutStore() {
		this.storeUnavailable.increment();
		this.decidedWithoutStore.incrementAndGet();
		this.listeners.fire(RateLimiterListener::onOutcome, this, RateLimiterOutcome.STORE_UNAVAILABLE);
		return this.allowWithoutStore;
	}

	private void requirePermittedWithoutStore() {
		if (!decideWithoutStore()) {
			throw refusedWithoutStore();
		}
	}

	/** The refusal of a call decided without the store; retry once the store is asked. */
	RequestNotPermittedException refusedWithoutStore() {
		long untilProbe = this.nextProbe.get() - this.ticker.read();
		return new RequestNotPermittedException(this.name, Duration.ofNanos(Math.max(1, untilProbe)));
	}

	void permitted() {
		this.permitted.increment();
		this.listeners.fire(RateLimiterListener::onOutcome, this, RateLimiterOutcome.PERMITTED);
	}

	private void rejected() {
		this.rejected.increment();
		this.listeners.fire(RateLimiterListener::onOutcome, this, RateLimiterOutcome.REJECTED);
	}

	/** Counts and reports a refusal, and returns the exception that tells the caller. */
	RequestNotPermittedException refused(long retryAfterNanos) {
		rejected();
		return new RequestNotPermittedException(this.name, Duration.ofNanos(Math.max(1, retryAfterNanos)));
	}

	Ticker ticker() {
		return this.ticker;
	}

	Scheduler scheduler() {
		return this.scheduler;
	}

	Runnable propagate(Runnable task) {
		return this.propagator.wrap(task);
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
		return this.available;
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
	public long getNumberOfStoreUnavailableCalls() {
		return this.storeUnavailable.sum();
	}

	@Override
	public String toString() {
		return "RateLimiter '" + this.name + "' (cluster, " + this.config.getLimitForPeriod() + " per "
				+ Durations.format(this.config.getLimitRefreshPeriod()) + ")";
	}

}
