package dev.resilience.bulkhead.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.bulkhead.BulkheadFullException;
import dev.resilience.bulkhead.BulkheadListener;
import dev.resilience.bulkhead.ThreadPoolBulkhead;

import static dev.resilience.internal.Requirements.requireArgument;
import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * {@link ThreadPoolBulkhead} that counts a call from the moment it is given a slot until the stage
 * it returned completes, not just while it holds a pool thread: a method returning a non-blocking
 * client's future holds its thread for microseconds but its slot for as long as the request runs.
 * At most {@code maxSize} calls hold a slot; up to {@code queueCapacity} more wait, first come first
 * served, for a slot to come back; beyond that a call is refused. A slot coming back is handed
 * straight to the oldest waiting call.
 * <p>
 * Slots and the waiting queue change together under one {@link ReentrantLock} (not a monitor, so a
 * virtual thread contending for it unmounts), held for a few field writes and never while user code
 * runs. Threads run only the synchronous part of a call; the pool starts a thread per call up to
 * {@code maxSize} (there are never more calls to run than slots), keeps {@code coreSize} of them
 * when idle, and lets the others go after {@code keepAlive}.
 */
public final class FixedThreadPoolBulkhead implements ThreadPoolBulkhead, ThreadPoolBulkhead.Metrics {

	private final String name;

	private final BulkheadConfig config;

	private final ContextPropagator propagator;

	private final ThreadPoolExecutor executor;

	private final String fullDetail;

	private final int maxSize;

	private final int queueCapacity;

	private final ReentrantLock lock = new ReentrantLock();

	/** Calls admitted and not yet ended; guarded by {@link #lock}, volatile for the metrics. */
	private volatile int inFlight;

	/** Calls waiting for a slot, oldest first; guarded by {@link #lock}. */
	private final ArrayDeque<Task<?, ?>> waiting = new ArrayDeque<>();

	/** Size of {@link #waiting}, for the metrics. */
	private volatile int queued;

	/** Guarded by {@link #lock}. */
	private boolean closed;

	private final LongAdder rejected = new LongAdder();

	private final Listeners listeners = new Listeners();

	public FixedThreadPoolBulkhead(String name, BulkheadConfig config, ContextPropagator propagator) {
		this.name = requireNonNull(name, "name");
		this.config = requireNonNull(config, "config");
		this.propagator = requireNonNull(propagator, "propagator");
		requireArgument(config.getType() == BulkheadConfig.Type.THREAD_POOL, "ThreadPoolBulkhead '" + name
				+ "' needs a configuration of type THREAD_POOL but got " + config.getType()
				+ "; use Bulkhead.of for SEMAPHORE");
		this.maxSize = config.getMaxSize();
		this.queueCapacity = config.getQueueCapacity();
		// Never more tasks than slots reach the executor, so its queue needs no bound; it only has
		// to prefer a new thread (up to maxSize) to queueing, which a plain queue would not.
		ThreadFirstQueue queue = new ThreadFirstQueue();
		this.executor = new ThreadPoolExecutor(config.getCoreSize(), this.maxSize, saturatedNanos(config.getKeepAlive()),
				TimeUnit.NANOSECONDS, queue, new NamedDaemonThreads(name), queue);
		queue.executor = this.executor;
		this.fullDetail = this.maxSize + " calls in flight and " + this.queueCapacity + " calls queued";
	}

	private static long saturatedNanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
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
	public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
			A argument) {
		requireNonNull(call, "call");
		Task<A, T> task = new Task<>(this, call, argument);
		task.submitted = requireNonNull(this.propagator.wrap(task::runCall), "ContextPropagator.wrap result");
		boolean start;
		this.lock.lock();
		try {
			if (this.closed) {
				return CompletableFuture.failedFuture(
						new IllegalStateException("ThreadPoolBulkhead '" + this.name + "' is closed"));
			}
			if (this.inFlight < this.maxSize) {
				this.inFlight++;
				start = true;
			}
			else if (this.waiting.size() < this.queueCapacity) {
				this.waiting.addLast(task);
				this.queued = this.waiting.size();
				start = false;
			}
			else {
				start = false;
				task = null;
			}
		}
		finally {
			this.lock.unlock();
		}
		if (task == null) {
			this.rejected.increment();
			this.listeners.callRejected(this.name);
			return CompletableFuture.failedFuture(new BulkheadFullException(this.name, this.fullDetail));
		}
		if (start) {
			task.state = Task.STARTING;
			submit(task);
		}
		else {
			// A caller that stops waiting for a queued call takes it out of the queue.
			task.result.whenComplete(task::leaveQueue);
		}
		return task.result;
	}

	private void submit(Task<?, ?> task) {
		try {
			this.executor.execute(task);
		}
		catch (Throwable ex) {
			// No thread could take it (the JVM could not start one): the slot must not leak.
			task.end(null, ex);
		}
	}

	/** Removes a call that has not started from the queue; whether it was still there. */
	private boolean dequeue(Task<?, ?> task) {
		this.lock.lock();
		try {
			boolean removed = this.waiting.remove(task);
			this.queued = this.waiting.size();
			return removed;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** A call ended: its slot goes to the oldest waiting call, or back to the pool of slots. */
	private void releaseSlot() {
		Task<?, ?> next;
		boolean drained;
		this.lock.lock();
		try {
			next = this.waiting.pollFirst();
			this.queued = this.waiting.size();
			if (next == null) {
				this.inFlight--;
			}
			else {
				next.state = Task.STARTING;
			}
			drained = this.closed && this.inFlight == 0;
		}
		finally {
			this.lock.unlock();
		}
		if (next != null) {
			submit(next);
		}
		else if (drained) {
			this.executor.shutdown();
		}
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
	public void close() {
		boolean drained;
		this.lock.lock();
		try {
			this.closed = true;
			drained = this.inFlight == 0;
		}
		finally {
			this.lock.unlock();
		}
		// Calls still in flight or queued finish; the threads go once the last one has.
		if (drained) {
			this.executor.shutdown();
		}
	}

	@Override
	public int getAvailableConcurrentCalls() {
		return this.maxSize - this.inFlight;
	}

	@Override
	public int getMaxAllowedConcurrentCalls() {
		return this.maxSize;
	}

	@Override
	public long getNumberOfRejectedCalls() {
		return this.rejected.sum();
	}

	@Override
	public int getQueueDepth() {
		return this.queued;
	}

	@Override
	public int getQueueCapacity() {
		return this.queueCapacity;
	}

	@Override
	public String toString() {
		return "ThreadPoolBulkhead '" + this.name + "' (" + this.inFlight + "/" + this.maxSize + " calls in flight, "
				+ this.queued + "/" + this.queueCapacity + " queued)";
	}

	/**
	 * The executor's queue: refuses a task while the pool may still grow, so that the executor
	 * starts a thread for it, and takes it when the executor refuses it because the pool is at its
	 * maximum (a thread is about to come free: every task here holds a slot, and there are no more
	 * slots than threads).
	 */
	private static final class ThreadFirstQueue extends LinkedBlockingQueue<Runnable>
			implements java.util.concurrent.RejectedExecutionHandler {

		private static final long serialVersionUID = 1L;

		transient volatile ThreadPoolExecutor executor;

		@Override
		public boolean offer(Runnable task) {
			ThreadPoolExecutor executor = this.executor;
			if (executor != null && executor.getPoolSize() < executor.getMaximumPoolSize()) {
				return false;
			}
			return super.offer(task);
		}

		@Override
		public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
			if (executor.isShutdown() || !super.offer(task)) {
				throw new RejectedExecutionException("ThreadPoolBulkhead executor is shut down");
			}
		}

	}

	/**
	 * One call: the runnable handed to the executor and the listener of the stage the call returns.
	 * The caller gets {@link #result}, a dependent future: whatever the caller does to it reaches
	 * neither the call's stage nor its slot, except that a call which has not started yet is
	 * dropped, its slot or queue place given up, since nobody waits for it any more.
	 */
	private static final class Task<A, T> implements Runnable, BiConsumer<T, Throwable> {

		static final int QUEUED = 0;

		static final int STARTING = 1;

		private static final AtomicIntegerFieldUpdater<Task> ENDED = AtomicIntegerFieldUpdater.newUpdater(Task.class,
				"ended");

		private final FixedThreadPoolBulkhead bulkhead;

		private final CheckedFunction<? super A, ? extends CompletionStage<T>> call;

		private final A argument;

		final CompletableFuture<T> result = new CompletableFuture<>();

		volatile Runnable submitted;

		volatile int state = QUEUED;

		/** Set on the pool thread when the call, inside its context, begins. */
		private volatile boolean started;

		private volatile int ended;

		Task(FixedThreadPoolBulkhead bulkhead, CheckedFunction<? super A, ? extends CompletionStage<T>> call,
				A argument) {
			this.bulkhead = bulkhead;
			this.call = call;
			this.argument = argument;
		}

		void leaveQueue(T value, Throwable failure) {
			if (this.state == QUEUED) {
				this.bulkhead.dequeue(this);
			}
		}

		/**
		 * Runs the call inside the caller's context. A context that cannot be set up on the pool
		 * thread (the wrapper throws before the call starts) ends the call with that failure, so
		 * the slot comes back and the caller hears of it; once the call has started, its stage
		 * ends it, whatever the wrapper does afterwards.
		 */
		@Override
		public void run() {
			try {
				this.submitted.run();
			}
			catch (Throwable ex) {
				if (!this.started) {
					end(null, ex);
					return;
				}
				throw ex;
			}
		}

		void runCall() {
			this.started = true;
			if (this.result.isDone()) {
				// The caller gave up before it started: nothing to run, the slot goes on.
				end(null, null);
				return;
			}
			CompletionStage<T> stage;
			try {
				stage = this.call.apply(this.argument);
			}
			catch (Throwable ex) {
				end(null, ex);
				return;
			}
			if (stage == null) {
				end(null, new NullPointerException("Call in thread-pool bulkhead '" + this.bulkhead.name
						+ "' returned null instead of a CompletionStage"));
				return;
			}
			try {
				stage.whenComplete(this);
			}
			catch (Throwable broken) {
				end(null, broken);
			}
		}

		/** Completion of the call's own stage: the call ends. */
		@Override
		public void accept(T value, Throwable failure) {
			end(value, failure);
		}

		/** Ends the call once: the slot first, so a caller that goes on finds it free, then the result. */
		void end(T value, Throwable failure) {
			if (!ENDED.compareAndSet(this, 0, 1)) {
				return;
			}
			this.bulkhead.releaseSlot();
			if (failure == null) {
				this.result.complete(value);
			}
			else {
				this.result.completeExceptionally(failure);
			}
		}

	}

	private static final class NamedDaemonThreads implements ThreadFactory {

		private final String prefix;

		private final AtomicInteger count = new AtomicInteger();

		NamedDaemonThreads(String bulkheadName) {
			this.prefix = "resilience-bulkhead-" + bulkheadName + "-";
		}

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new Thread(task, this.prefix + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
