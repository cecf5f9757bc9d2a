package dev.resilience.bulkhead.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.function.BiConsumer;

import dev.resilience.CheckedFunction;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.bulkhead.BulkheadFullException;
import dev.resilience.bulkhead.BulkheadListener;
import dev.resilience.internal.Durations;
import dev.resilience.internal.ListenerList;

import static dev.resilience.internal.Requirements.requireArgument;
import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * {@link Bulkhead} over a counting synchronizer whose count can never rise above the
 * maximum. Without a configured wait, taking a permit is one CAS loop; with one, a caller
 * that misses the fast path parks in the synchronizer's queue for at most the wait, woken
 * by the next release. Barging is allowed (a new caller may take a permit before a parked
 * one), which keeps the fast path free of queue checks.
 */
public final class SemaphoreBulkhead implements Bulkhead, Bulkhead.Metrics {

	private static final System.Logger LOGGER = System.getLogger("dev.resilience.bulkhead");

	private final String name;

	private final BulkheadConfig config;

	private final Permits permits;

	private final long maxWaitNanos;

	private final String fullDetail;

	private final LongAdder rejected = new LongAdder();

	private final ListenerList<BulkheadListener> listeners;

	public SemaphoreBulkhead(String name, BulkheadConfig config) {
		this.name = requireNonNull(name, "name");
		this.config = requireNonNull(config, "config");
		requireArgument(config.getType() == BulkheadConfig.Type.SEMAPHORE,
				"Bulkhead '" + name + "' needs a configuration of type SEMAPHORE but got " + config.getType()
						+ "; Bulkhead.of creates the kind a configuration names");
		this.permits = new Permits(name, config.getMaxConcurrentCalls());
		this.maxWaitNanos = Durations.toNanosSaturated(config.getMaxWaitDuration());
		this.fullDetail = config.getMaxConcurrentCalls() + " concurrent calls in flight, waited "
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

	@Override
	public boolean tryAcquirePermission() {
		if (this.permits.tryTake() || (this.maxWaitNanos > 0 && awaitPermit())) {
			return true;
		}
		reject();
		return false;
	}

	private boolean awaitPermit() {
		try {
			return this.permits.tryAcquireSharedNanos(1, this.maxWaitNanos);
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

	@Override
	public void acquirePermission() {
		if (!tryAcquirePermission()) {
			throw fullException();
		}
	}

	private BulkheadFullException fullException() {
		return new BulkheadFullException(this.name, this.fullDetail);
	}

	@Override
	public void releasePermission() {
		this.permits.releaseShared(1);
	}

	@Override
	public <A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable {
		acquirePermission();
		try {
			return call.apply(argument);
		}
		finally {
			releasePermission();
		}
	}

	@Override
	public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
			A argument) {
		if (!tryAcquirePermission()) {
			return CompletableFuture.failedFuture(fullException());
		}
		CompletionStage<T> stage;
		try {
			stage = call.apply(argument);
		}
		catch (Throwable ex) {
			releasePermission();
			return CompletableFuture.failedFuture(ex);
		}
		if (stage == null) {
			releasePermission();
			return CompletableFuture.failedFuture(new NullPointerException(
					"Call in bulkhead '" + this.name + "' returned null instead of a CompletionStage"));
		}
		return new AsyncPermit<>(this, stage).result;
	}

	@Override
	public void addListener(BulkheadListener listener) {
		this.listeners.add(listener);
	}

	@Override
	public void removeListener(BulkheadListener listener) {
		this.listeners.remove(listener);
	}

	@Override
	public int getAvailableConcurrentCalls() {
		return this.permits.available();
	}

	@Override
	public int getMaxAllowedConcurrentCalls() {
		return this.config.getMaxConcurrentCalls();
	}

	@Override
	public long getNumberOfRejectedCalls() {
		return this.rejected.sum();
	}

	/**
	 * Always 0: a call over the limit waits on its own thread, in no queue of the
	 * bulkhead's.
	 */
	@Override
	public int getQueueDepth() {
		return 0;
	}

	@Override
	public int getQueueCapacity() {
		return 0;
	}

	/** Nothing to stop: a semaphore bulkhead owns no thread. */
	@Override
	public void close() {
	}

	@Override
	public String toString() {
		return "Bulkhead '" + this.name + "' (" + this.permits.available() + "/" + this.config.getMaxConcurrentCalls()
				+ " available)";
	}

	/**
	 * Counting synchronizer whose state is the number of available permits, bounded by
	 * the maximum.
	 */
	private static final class Permits extends AbstractQueuedSynchronizer {

		private final String name;

		private final int max;

		Permits(String name, int max) {
			this.name = name;
			this.max = max;
			setState(max);
		}

		int available() {
			return getState();
		}

		boolean tryTake() {
			return tryAcquireShared(1) >= 0;
		}

		@Override
		protected int tryAcquireShared(int ignored) {
			for (;;) {
				int available = getState();
				if (available == 0) {
					return -1;
				}
				if (compareAndSetState(available, available - 1)) {
					return available - 1;
				}
			}
		}

		@Override
		protected boolean tryReleaseShared(int ignored) {
			for (;;) {
				int available = getState();
				if (available >= this.max) {
					throw new IllegalStateException("Bulkhead '" + this.name + "' got a permit back while all "
							+ this.max + " were available: a permit was released twice or never acquired");
				}
				if (compareAndSetState(available, available + 1)) {
					return true;
				}
			}
		}

	}

	/**
	 * The permit of one asynchronous call and the dependent future handed to the caller.
	 * Only the call's own stage returns the permit: the caller's future is the caller's
	 * to complete, cancel or time out, and nothing it does reaches the permit or the
	 * call's stage, since the method's work may well go on after the caller stopped
	 * waiting for it. The flag guards against a custom stage that reports its completion
	 * twice.
	 */
	private static final class AsyncPermit<T> implements BiConsumer<T, Throwable> {

		private static final AtomicIntegerFieldUpdater<AsyncPermit> RELEASED = AtomicIntegerFieldUpdater
			.newUpdater(AsyncPermit.class, "released");

		private final SemaphoreBulkhead bulkhead;

		final CompletableFuture<T> result = new CompletableFuture<>();

		private volatile int released;

		AsyncPermit(SemaphoreBulkhead bulkhead, CompletionStage<T> stage) {
			this.bulkhead = bulkhead;
			try {
				stage.whenComplete(this);
			}
			catch (Throwable broken) {
				// A stage that cannot take a callback would never return the permit.
				accept(null, broken);
			}
		}

		@Override
		public void accept(T value, Throwable failure) {
			if (!RELEASED.compareAndSet(this, 0, 1)) {
				return;
			}
			// Returned before the caller hears of it, so a caller that goes on finds the
			// permit free.
			this.bulkhead.releasePermission();
			if (failure == null) {
				this.result.complete(value);
			}
			else {
				this.result.completeExceptionally(failure);
			}
		}

	}

}
