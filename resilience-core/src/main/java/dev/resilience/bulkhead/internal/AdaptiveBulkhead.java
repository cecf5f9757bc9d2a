package dev.resilience.bulkhead.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.function.BiConsumer;

import dev.resilience.CheckedFunction;
import dev.resilience.Ticker;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.bulkhead.BulkheadFullException;
import dev.resilience.bulkhead.BulkheadListener;
import dev.resilience.bulkhead.LimitAlgorithm;
import dev.resilience.internal.Durations;
import dev.resilience.internal.Failures;
import dev.resilience.internal.ListenerList;

import static dev.resilience.internal.Requirements.requireArgument;
import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * {@link Bulkhead} whose limit a {@link LimitAlgorithm} moves. The calls in flight are
 * the state of a counting synchronizer; a call is admitted only while they are below the
 * limit read at that moment (clamped to the configured min and max), so a lowered limit
 * refuses new calls until enough of those in flight have ended, and never stops one.
 * Without a configured wait, admission is one CAS loop; with one, a caller that misses
 * the fast path parks for at most the wait and is woken by the next call that ends.
 * <p>
 * Each call that ends is reported to the algorithm before its permit comes back, so a
 * caller woken by that return sees the limit the report produced. How an ending is
 * reported is said in {@link LimitAlgorithm}. The bare permit operations
 * ({@link #tryAcquirePermission()}, {@link #releasePermission()}) report nothing: they do
 * not know when a call started; {@link #acquireCallPermit()} does.
 * <p>
 * Over 300 lines because the synchronizer and the record of an asynchronous call are
 * nested here: both reach into how a call ends, which is this class's one rule.
 */
public final class AdaptiveBulkhead implements Bulkhead, Bulkhead.Metrics {

	private static final System.Logger LOGGER = System.getLogger("dev.resilience.bulkhead");

	private final String name;

	private final BulkheadConfig config;

	private final Ticker ticker;

	private final LimitAlgorithm algorithm;

	private final int minLimit;

	private final int maxLimit;

	private final InFlight inFlight;

	private final long maxWaitNanos;

	private final String waitDetail;

	private final LongAdder rejected = new LongAdder();

	private final ListenerList<BulkheadListener> listeners;

	public AdaptiveBulkhead(String name, BulkheadConfig config, Ticker ticker, LimitAlgorithm algorithm) {
		this.name = requireNonNull(name, "name");
		this.config = requireNonNull(config, "config");
		requireArgument(config.getType() == BulkheadConfig.Type.ADAPTIVE,
				"Bulkhead '" + name + "' needs a configuration of type ADAPTIVE but got " + config.getType()
						+ "; Bulkhead.of creates the kind a configuration names");
		this.ticker = requireNonNull(ticker, "ticker");
		this.algorithm = requireNonNull(algorithm, "algorithm");
		this.minLimit = config.getMinLimit();
		this.maxLimit = config.getMaxLimit();
		this.inFlight = new InFlight(this);
		this.maxWaitNanos = Durations.toNanosSaturated(config.getMaxWaitDuration());
		this.waitDetail = " concurrent calls in flight (adaptive limit), waited "
				+ Durations.toMillisSaturated(config.getMaxWaitDuration()) + "ms";
		this.listeners = new ListenerList<>(LOGGER, "Bulkhead '" + name + "'");
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public BulkheadConfig getConfig() {
		return this.config;
	}

	@Override
	public Metrics getMetrics() {
		return this;
	}

	/** The algorithm's limit, kept within the configured min and max. */
	@Override
	public int getLimit() {
		int limit = this.algorithm.getLimit();
		return (limit < this.minLimit) ? this.minLimit : Math.min(limit, this.maxLimit);
	}

	/**
	 * Takes a permit.
	 * @return the calls in flight with this one, or -1 when refused
	 */
	private int take() {
		int taken = this.inFlight.tryTake();
		if (taken > 0) {
			return taken;
		}
		if (this.maxWaitNanos > 0 && awaitPermit()) {
			return this.inFlight.current();
		}
		reject();
		return -1;
	}

	private boolean awaitPermit() {
		try {
			return this.inFlight.tryAcquireSharedNanos(1, this.maxWaitNanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void reject() {
		this.rejected.increment();
		this.listeners.fire(BulkheadListener::onCallRejected, this.name);
	}

	private BulkheadFullException fullException() {
		return new BulkheadFullException(this.name, getLimit() + this.waitDetail);
	}

	@Override
	public boolean tryAcquirePermission() {
		return take() > 0;
	}

	@Override
	public void acquirePermission() {
		if (take() < 0) {
			throw fullException();
		}
	}

	@Override
	public void releasePermission() {
		this.inFlight.releaseShared(1);
	}

	/**
	 * Reports one ended call to the algorithm, then returns its permit.
	 * @param failure what it failed with, {@code null} for a success
	 */
	void end(long start, int inFlightAtStart, Throwable failure) {
		try {
			if (failure == null) {
				sample(start, inFlightAtStart, false);
			}
			else if (!ignored(failure)) {
				sample(start, inFlightAtStart, true);
			}
		}
		finally {
			releasePermission();
		}
	}

	private void sample(long start, int inFlightAtStart, boolean dropped) {
		try {
			this.algorithm.onSample(start, this.ticker.read() - start, inFlightAtStart, dropped);
		}
		catch (RuntimeException ex) {
			// The call has ended either way; a broken algorithm must not change its
			// outcome.
			LOGGER.log(System.Logger.Level.WARNING, "Limit algorithm of bulkhead '" + this.name + "' failed", ex);
		}
	}

	/**
	 * Whether an ending says nothing about the downstream: a cancel by the caller, or the
	 * JVM failing.
	 */
	private static boolean ignored(Throwable failure) {
		Throwable cause = Failures.unwrap(failure);
		return cause instanceof CancellationException || cause instanceof VirtualMachineError;
	}

	@Override
	public <A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable {
		int inFlightAtStart = take();
		if (inFlightAtStart < 0) {
			throw fullException();
		}
		long start = this.ticker.read();
		Throwable failure = null;
		try {
			return call.apply(argument);
		}
		catch (Throwable ex) {
			failure = ex;
			throw ex;
		}
		finally {
			end(start, inFlightAtStart, failure);
		}
	}

	@Override
	public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
			A argument) {
		int inFlightAtStart = take();
		if (inFlightAtStart < 0) {
			return CompletableFuture.failedFuture(fullException());
		}
		long start = this.ticker.read();
		CompletionStage<T> stage;
		try {
			stage = call.apply(argument);
		}
		catch (Throwable ex) {
			end(start, inFlightAtStart, ex);
			return CompletableFuture.failedFuture(ex);
		}
		if (stage == null) {
			NullPointerException missing = new NullPointerException(
					"Call in bulkhead '" + this.name + "' returned null instead of a CompletionStage");
			end(start, inFlightAtStart, missing);
			return CompletableFuture.failedFuture(missing);
		}
		return new AsyncCall<T>(this, start, inFlightAtStart).watch(stage);
	}

	@Override
	public CallPermit acquireCallPermit() {
		int inFlightAtStart = take();
		if (inFlightAtStart < 0) {
			throw fullException();
		}
		return new AsyncCall<>(this, this.ticker.read(), inFlightAtStart);
	}

	@Override
	public void addListener(BulkheadListener listener) {
		this.listeners.add(listener);
	}

	@Override
	public void removeListener(BulkheadListener listener) {
		this.listeners.remove(listener);
	}

	/** The current limit minus the calls in flight, never below 0. */
	@Override
	public int getAvailableConcurrentCalls() {
		return Math.max(0, getLimit() - this.inFlight.current());
	}

	/** The current limit. */
	@Override
	public int getMaxAllowedConcurrentCalls() {
		return getLimit();
	}

	@Override
	public long getNumberOfRejectedCalls() {
		return this.rejected.sum();
	}

	@Override
	public int getQueueDepth() {
		return 0;
	}

	@Override
	public int getQueueCapacity() {
		return 0;
	}

	/** Nothing to stop: an adaptive bulkhead owns no thread. */
	@Override
	public void close() {
	}

	@Override
	public String toString() {
		return "Bulkhead '" + this.name + "' (" + this.inFlight.current() + " in flight, adaptive limit " + getLimit()
				+ ")";
	}

	/**
	 * Counting synchronizer whose state is the number of calls in flight, admitting one
	 * only below the bulkhead's limit of the moment.
	 */
	private static final class InFlight extends AbstractQueuedSynchronizer {

		private final transient AdaptiveBulkhead bulkhead;

		InFlight(AdaptiveBulkhead bulkhead) {
			this.bulkhead = bulkhead;
		}

		int current() {
			return getState();
		}

		/**
		 * @return the calls in flight with the new one, or -1
		 */
		int tryTake() {
			int limit = this.bulkhead.getLimit();
			for (;;) {
				int inFlight = getState();
				if (inFlight >= limit) {
					return -1;
				}
				if (compareAndSetState(inFlight, inFlight + 1)) {
					return inFlight + 1;
				}
			}
		}

		/**
		 * A taken permit answers 1 whatever the limit is now: the limit may have fallen
		 * since {@link #tryTake()} read it, and a negative answer would tell the waiter
		 * it got nothing while the permit stays counted, leaking it for good. A positive
		 * answer also wakes the next waiter, which checks the limit for itself.
		 */
		@Override
		protected int tryAcquireShared(int ignored) {
			return (tryTake() < 0) ? -1 : 1;
		}

		@Override
		protected boolean tryReleaseShared(int ignored) {
			for (;;) {
				int inFlight = getState();
				if (inFlight <= 0) {
					throw new IllegalStateException("Bulkhead '" + this.bulkhead.name
							+ "' got a permit back with no call in flight: a permit was released twice or never acquired");
				}
				if (compareAndSetState(inFlight, inFlight - 1)) {
					return true;
				}
			}
		}

	}

	/**
	 * One call in flight whose end comes later: the stage of an asynchronous call, or the
	 * signals of a reactive one through {@link CallPermit}. Its first ending is reported
	 * and returns the permit; the flag guards against a stage that completes twice and a
	 * subscriber that both cancels and terminates. The caller's future is the caller's to
	 * complete or cancel; nothing it does reaches the permit.
	 */
	private static final class AsyncCall<T> implements BiConsumer<T, Throwable>, CallPermit {

		private static final AtomicIntegerFieldUpdater<AsyncCall> ENDED = AtomicIntegerFieldUpdater
			.newUpdater(AsyncCall.class, "ended");

		private final AdaptiveBulkhead bulkhead;

		private final long start;

		private final int inFlightAtStart;

		private CompletableFuture<T> result;

		private volatile int ended;

		AsyncCall(AdaptiveBulkhead bulkhead, long start, int inFlightAtStart) {
			this.bulkhead = bulkhead;
			this.start = start;
			this.inFlightAtStart = inFlightAtStart;
		}

		CompletableFuture<T> watch(CompletionStage<T> stage) {
			this.result = new CompletableFuture<>();
			try {
				stage.whenComplete(this);
			}
			catch (Throwable broken) {
				// A stage that cannot take a callback would never return the permit.
				accept(null, broken);
			}
			return this.result;
		}

		@Override
		public void accept(T value, Throwable failure) {
			if (!end(failure)) {
				return;
			}
			if (failure == null) {
				this.result.complete(value);
			}
			else {
				this.result.completeExceptionally(failure);
			}
		}

		private boolean end(Throwable failure) {
			if (!ENDED.compareAndSet(this, 0, 1)) {
				return false;
			}
			this.bulkhead.end(this.start, this.inFlightAtStart, failure);
			return true;
		}

		@Override
		public void onSuccess() {
			end(null);
		}

		@Override
		public void onFailure(Throwable failure) {
			end((failure != null) ? failure : new IllegalStateException("failed without an exception"));
		}

		@Override
		public void onCancel() {
			end(new CancellationException());
		}

	}

}
