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

	private final TimeoutConfig config;

	private final Ticker ticker;

	private final Scheduler scheduler;

	private final DeadlineWatcher watcher;

	private final long durationNanos;

	private final boolean interrupt;

	private final LongAdder successful = new LongAdder();

	private final LongAdder failed = new LongAdder();

	private final LongAdder timedOut = new LongAdder();

	private final ListenerList<TimeoutListener> listeners;

	public TimeoutImpl(String name, TimeoutConfig config, Ticker ticker, Scheduler scheduler) {
		this(name, config, scheduler, DeadlineWatcher.forTicker(requireNonNull(ticker, "ticker"), name));
	}

	TimeoutImpl(String name, TimeoutConfig config, Scheduler scheduler, DeadlineWatcher watcher) {
		this.name = requireNonNull(name, "name");
		this.config = requireNonNull(config, "config");
		this.scheduler = requireNonNull(scheduler, "scheduler");
		this.watcher = watcher;
		this.ticker = watcher.ticker();
		this.durationNanos = Durations.toNanosAtMost(config.getDuration(), MAX_NANOS);
		this.interrupt = config.isInterrupt();
		this.listeners = new ListenerList<>(LOGGER, "Timeout '" + name + "'");
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public TimeoutConfig getConfig() {
		return this.config;
	}

	@Override
	public Metrics getMetrics() {
		return this;
	}

	@Override
	public <A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable {
		return this.interrupt ? executeInterruptibly(call, argument) : executeToTheEnd(call, argument);
	}

	private <A, T> T executeInterruptibly(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable {
		long start = this.ticker.read();
		Slot slot = this.watcher.arm(start + this.durationNanos);
		T result;
		try {
			result = call.apply(argument);
		}
		catch (Throwable ex) {
			long end = this.ticker.read();
			throw failed(ex, this.watcher.disarm(slot, end), start, end);
		}
		long end = this.ticker.read();
		succeeded(this.watcher.disarm(slot, end), start, end);
		return result;
	}

	private <A, T> T executeToTheEnd(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable {
		long start = this.ticker.read();
		T result;
		try {
			result = call.apply(argument);
		}
		catch (Throwable ex) {
			long end = this.ticker.read();
			throw failed(ex, expired(start, end), start, end);
		}
		long end = this.ticker.read();
		succeeded(expired(start, end), start, end);
		return result;
	}

	private boolean expired(long start, long end) {
		return end - start >= this.durationNanos;
	}

	private void succeeded(boolean expired, long start, long end) {
		if (expired) {
			record(TimeoutOutcome.TIMED_OUT, end - start);
			throw exceeded();
		}
		record(TimeoutOutcome.SUCCESSFUL, end - start);
	}

	private Throwable failed(Throwable failure, boolean expired, long start, long end) {
		if (!expired) {
			record(TimeoutOutcome.FAILED, end - start);
			return failure;
		}
		record(TimeoutOutcome.TIMED_OUT, end - start);
		if (failure instanceof VirtualMachineError) {
			return failure;
		}
		TimeoutExceededException exceeded = exceeded();
		exceeded.addSuppressed(failure);
		return exceeded;
	}

	TimeoutExceededException exceeded() {
		return new TimeoutExceededException(this.name, this.config.getDuration());
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
		long start = this.ticker.read();
		CompletionStage<T> stage;
		try {
			stage = call.apply(argument);
		}
		catch (Throwable ex) {
			Failures.rethrowIfFatal(ex);
			long end = this.ticker.read();
			return CompletableFuture.failedFuture(failed(ex, expired(start, end), start, end));
		}
		if (stage == null) {
			long end = this.ticker.read();
			NullPointerException npe = new NullPointerException(
					"Call in timeout '" + this.name + "' returned null instead of a CompletionStage");
			return CompletableFuture.failedFuture(failed(npe, expired(start, end), start, end));
		}
		return new AsyncDeadline<>(this, stage, start).start();
	}

	Ticker ticker() {
		return this.ticker;
	}

	Scheduler scheduler() {
		return this.scheduler;
	}

	long durationNanos() {
		return this.durationNanos;
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
		return "Timeout '" + this.name + "' (" + Durations.format(this.config.getDuration())
				+ (this.interrupt ? ", interrupting" : "") + ")";
	}

}
