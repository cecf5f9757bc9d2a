package dev.resilience.bulkhead.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.AbstractQueuedLongSynchronizer;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p>
 * {@link #reconfigure} changes the maximum in place: the maximum and the free permits are
 * one word of the synchronizer, changed by one compare-and-set, so no call is ever
 * admitted against a mix of the two. Lowered below the calls in flight, the free count
 * goes negative and no call is admitted until enough have ended; raised, the new permits
 * wake parked callers at once.
 */
public final class SemaphoreBulkhead implements Bulkhead, Bulkhead.Metrics {

	private static final System.Logger LOGGER = System.getLogger("dev.resilience.bulkhead");

	private final String name;

	private final Permits permits;

	/**
	 * What the configuration means, replaced whole by {@link #reconfigure}; read on the
	 * refusal and waiting paths only, never by a call that finds a free permit.
	 */
	private volatile Limits limits;

	private final LongAdder rejected = new LongAdder();

	/** Serializes reconfigurations; never taken by a call. */
	private final ReentrantLock reconfiguring = new ReentrantLock();

	private final ListenerList<BulkheadListener> listeners;

	public SemaphoreBulkhead(String name, BulkheadConfig config) {
		this.name = requireNonNull(name, "name");
		this.limits = new Limits(name, config);
		this.permits = new Permits(name, config.getMaxConcurrentCalls());
		this.listeners = new ListenerList<>(LOGGER, "Bulkhead '" + name + "'");
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public BulkheadConfig getConfig() {
		return this.limits.config;
	}

	/**
	 * Takes {@code max-concurrent-calls} and {@code max-wait-duration} for the calls that
	 * ask from now on. Calls in flight keep their permits: lowered below them, the limit
	 * admits no call until enough have ended, so the calls in flight never exceed the
	 * larger of the two limits, and once the switch is made never a new call beyond the
	 * new one.
	 * @throws IllegalArgumentException when {@code config} is not of type semaphore
	 */
	@Override
	public void reconfigure(BulkheadConfig config) {
		this.reconfiguring.lock();
		try {
			Limits next = new Limits(this.name, config);
			this.permits.resize(config.getMaxConcurrentCalls());
			this.limits = next;
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
		if (this.permits.tryTake() || awaitPermit()) {
			return true;
		}
		reject();
		return false;
	}

	private boolean awaitPermit() {
		long maxWaitNanos = this.limits.maxWaitNanos;
		if (maxWaitNanos <= 0) {
			return false;
		}
		try {
			return this.permits.tryAcquireSharedNanos(1, maxWaitNanos);
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
		return new BulkheadFullException(this.name, this.limits.fullDetail);
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
		return this.permits.max();
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
		return "Bulkhead '" + this.name + "' (" + this.permits.available() + "/" + this.permits.max() + " available)";
	}

	/** One configuration of a semaphore bulkhead, worked out once. */
	private static final class Limits {

		final BulkheadConfig config;

		final long maxWaitNanos;

		final String fullDetail;

		Limits(String name, BulkheadConfig config) {
			requireNonNull(config, "config");
			requireArgument(config.getType() == BulkheadConfig.Type.SEMAPHORE,
					"Bulkhead '" + name + "' needs a configuration of type SEMAPHORE but got " + config.getType()
							+ "; Bulkhead.of creates the kind a configuration names");
			this.config = config;
			this.maxWaitNanos = Durations.toNanosSaturated(config.getMaxWaitDuration());
			this.fullDetail = config.getMaxConcurrentCalls() + " concurrent calls in flight, waited "
					+ Durations.toMillisSaturated(config.getMaxWaitDuration()) + "ms";
		}

	}

	/**
	 * The permits: the maximum in the high half of the synchronizer's word, the free
	 * permits (negative while a lowered maximum is below the calls in flight) in the low
	 * half, so that a resize and a take or release never interleave.
	 */
	private static final class Permits extends AbstractQueuedLongSynchronizer {

		/**
		 * The release argument that marks a resize; the new maximum is in the low bits.
		 */
		private static final long RESIZE = 1L << 40;

		private final String name;

		Permits(String name, int max) {
			this.name = name;
			setState(pack(max, max));
		}

		private static long pack(int max, int available) {
			return ((long) max << 32) | (available & 0xFFFF_FFFFL);
		}

		private static int maxOf(long state) {
			return (int) (state >>> 32);
		}

		private static int availableOf(long state) {
			return (int) state;
		}

		int available() {
			return availableOf(getState());
		}

		int max() {
			return maxOf(getState());
		}

		boolean tryTake() {
			return tryAcquireShared(1) >= 0;
		}

		/**
		 * Changes the maximum, moving the free permits by the same amount, and wakes
		 * parked callers if permits became free.
		 */
		void resize(int max) {
			releaseShared(RESIZE | max);
		}

		@Override
		protected long tryAcquireShared(long ignored) {
			for (;;) {
				long state = getState();
				int available = availableOf(state);
				if (available <= 0) {
					return -1;
				}
				if (compareAndSetState(state, pack(maxOf(state), available - 1))) {
					return available - 1;
				}
			}
		}

		@Override
		protected boolean tryReleaseShared(long arg) {
			if ((arg & RESIZE) != 0) {
				return tryResize((int) arg);
			}
			for (;;) {
				long state = getState();
				int max = maxOf(state);
				int available = availableOf(state);
				if (available >= max) {
					throw new IllegalStateException("Bulkhead '" + this.name + "' got a permit back while all " + max
							+ " were available: a permit was released twice or never acquired");
				}
				if (compareAndSetState(state, pack(max, available + 1))) {
					return true;
				}
			}
		}

		private boolean tryResize(int newMax) {
			for (;;) {
				long state = getState();
				int available = availableOf(state) + (newMax - maxOf(state));
				if (compareAndSetState(state, pack(newMax, available))) {
					return available > 0;
				}
			}
		}

	}

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
