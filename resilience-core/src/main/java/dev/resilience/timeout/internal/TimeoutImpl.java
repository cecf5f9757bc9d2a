package dev.resilience.timeout.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.CheckedFunction;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.internal.Durations;
import dev.resilience.internal.Failures;
import dev.resilience.internal.ListenerList;
import dev.resilience.timeout.Timeout;
import dev.resilience.timeout.TimeoutConfig;
import dev.resilience.timeout.TimeoutExceededException;
import dev.resilience.timeout.TimeoutListener;
import dev.resilience.timeout.TimeoutOutcome;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * The {@link Timeout}. A synchronous call runs on the caller's thread under a deadline
 * armed in the {@link DeadlineWatcher} (nothing allocated); with {@code interrupt} off
 * nothing is armed at all and the call's duration is compared with the limit when it
 * ends. An asynchronous call's result is an {@link AsyncDeadline}, failed by a task of
 * the {@link Scheduler} at the deadline.
 * <p>
 * A failure thrown within the deadline, an {@link Error} included, propagates as it is.
 * After the deadline the call fails with {@link TimeoutExceededException}, the call's own
 * failure attached as suppressed, except a {@link VirtualMachineError}, which always
 * propagates as it is (still counted as timed out).
 */
public final class TimeoutImpl implements Timeout, Timeout.Metrics {

	private static final System.Logger LOGGER = System.getLogger("dev.resilience.timeout");

	/**
	 * Longest duration honoured, about 73 years, so that a deadline never overflows the
	 * ticker's arithmetic.
	 */
	private static final long MAX_NANOS = Long.MAX_VALUE >> 2;

	private final String name;

	/**
	 * The configuration and what it means, replaced whole by {@link #reconfigure}: a call
	 * reads it once, when it starts.
	 */
	private volatile Limits limits;

	private final Ticker ticker;

	private final Scheduler scheduler;

	private final DeadlineWatcher watcher;

	private final LongAdder successful = new LongAdder();

	private final LongAdder failed = new LongAdder();

	private final LongAdder timedOut = new LongAdder();

	private final ListenerList<TimeoutListener> listeners;

	public TimeoutImpl(String name, TimeoutConfig config, Ticker ticker, Scheduler scheduler) {
		this(name, config, scheduler, DeadlineWatcher.forTicker(requireNonNull(ticker, "ticker"), name));
	}

	TimeoutImpl(String name, TimeoutConfig config, Scheduler scheduler, DeadlineWatcher watcher) {
		this.name = requireNonNull(name, "name");
		this.limits = new Limits(requireNonNull(config, "config"));
		this.scheduler = requireNonNull(scheduler, "scheduler");
		this.watcher = watcher;
		this.ticker = watcher.ticker();
		this.listeners = new ListenerList<>(LOGGER, "Timeout '" + name + "'");
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public TimeoutConfig getConfig() {
		return this.limits.config;
	}

	/**
	 * Takes {@code config} for the calls that start from now on; a call already running
	 * keeps the deadline it started with.
	 */
	@Override
	public void reconfigure(TimeoutConfig config) {
		this.limits = new Limits(requireNonNull(config, "config"));
	}

	@Override
	public Metrics getMetrics() {
		return this;
	}

	@Override
	public <A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable {
		Limits limits = this.limits;
		return limits.interrupt ? executeInterruptibly(limits, call, argument)
				: executeToTheEnd(limits, call, argument);
	}

	private <A, T> T executeInterruptibly(Limits limits, CheckedFunction<? super A, ? extends T> call, A argument)
			throws Throwable {
		long start = this.ticker.read();
		Slot slot = this.watcher.arm(start + limits.durationNanos);
		T result;
		try {
			result = call.apply(argument);
		}
		catch (Throwable ex) {
			long end = this.ticker.read();
			throw failed(ex, this.watcher.disarm(slot, end), start, end, limits);
		}
		long end = this.ticker.read();
		succeeded(this.watcher.disarm(slot, end), start, end, limits);
		return result;
	}

	private <A, T> T executeToTheEnd(Limits limits, CheckedFunction<? super A, ? extends T> call, A argument)
			throws Throwable {
		long start = this.ticker.read();
		T result;
		try {
			result = call.apply(argument);
		}
		catch (Throwable ex) {
			long end = this.ticker.read();
			throw failed(ex, end - start >= limits.durationNanos, start, end, limits);
		}
		long end = this.ticker.read();
		succeeded(end - start >= limits.durationNanos, start, end, limits);
		return result;
	}

	private void succeeded(boolean expired, long start, long end, Limits limits) {
		if (expired) {
			record(TimeoutOutcome.TIMED_OUT, end - start);
			throw exceeded(limits);
		}
		record(TimeoutOutcome.SUCCESSFUL, end - start);
	}

	private Throwable failed(Throwable failure, boolean expired, long start, long end, Limits limits) {
		if (!expired) {
			record(TimeoutOutcome.FAILED, end - start);
			return failure;
		}
		record(TimeoutOutcome.TIMED_OUT, end - start);
		if (failure instanceof VirtualMachineError) {
			return failure;
		}
		TimeoutExceededException exceeded = exceeded(limits);
		exceeded.addSuppressed(failure);
		return exceeded;
	}

	TimeoutExceededException exceeded(Limits limits) {
		return new TimeoutExceededException(this.name, limits.config.getDuration());
	}

	@Override
	public void record(TimeoutOutcome outcome, long durationNanos) {
		switch (outcome) {
			case SUCCESSFUL -> this.successful.increment();
			case FAILED -> this.failed.increment();
			case TIMED_OUT -> this.timedOut.increment();
		}
		this.listeners.fireWithLong(TimeoutListener::onOutcome, this, outcome, durationNanos);
	}

	@Override
	public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
			A argument) {
		Limits limits = this.limits;
		long start = this.ticker.read();
		CompletionStage<T> stage;
		try {
			stage = call.apply(argument);
		}
		catch (Throwable ex) {
			Failures.rethrowIfFatal(ex);
			long end = this.ticker.read();
			return CompletableFuture.failedFuture(failed(ex, end - start >= limits.durationNanos, start, end, limits));
		}
		if (stage == null) {
			long end = this.ticker.read();
			NullPointerException npe = new NullPointerException(
					"Call in timeout '" + this.name + "' returned null instead of a CompletionStage");
			return CompletableFuture.failedFuture(failed(npe, end - start >= limits.durationNanos, start, end, limits));
		}
		return new AsyncDeadline<>(this, limits, stage, start).start();
	}

	Ticker ticker() {
		return this.ticker;
	}

	Scheduler scheduler() {
		return this.scheduler;
	}

	@Override
	public void addListener(TimeoutListener listener) {
		this.listeners.add(listener);
	}

	@Override
	public void removeListener(TimeoutListener listener) {
		this.listeners.remove(listener);
	}

	@Override
	public long getNumberOfSuccessfulCalls() {
		return this.successful.sum();
	}

	@Override
	public long getNumberOfFailedCalls() {
		return this.failed.sum();
	}

	@Override
	public long getNumberOfTimedOutCalls() {
		return this.timedOut.sum();
	}

	@Override
	public String toString() {
		Limits limits = this.limits;
		return "Timeout '" + this.name + "' (" + Durations.format(limits.config.getDuration())
				+ (limits.interrupt ? ", interrupting" : "") + ")";
	}

	/** One configuration, worked out once. */
	static final class Limits {

		final TimeoutConfig config;

		final long durationNanos;

		final boolean interrupt;

		Limits(TimeoutConfig config) {
			this.config = config;
			this.durationNanos = Durations.toNanosAtMost(config.getDuration(), MAX_NANOS);
			this.interrupt = config.isInterrupt();
		}

	}

}
