package dev.resilience.bulkhead.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
 * {@link ThreadPoolBulkhead} over a {@link ThreadPoolExecutor} with a bounded queue (a hand-off
 * queue when the capacity is 0) that refuses instead of blocking when full. The pool grows past
 * its core size only while the queue is full, as {@link ThreadPoolExecutor} does.
 */
public final class FixedThreadPoolBulkhead implements ThreadPoolBulkhead, ThreadPoolBulkhead.Metrics {

	private final String name;

	private final BulkheadConfig config;

	private final ContextPropagator propagator;

	private final ThreadPoolExecutor executor;

	private final String fullDetail;

	/** Threads inside a call right now; counted by us so that it is back before the caller sees the result. */
	private final AtomicInteger running = new AtomicInteger();

	private final LongAdder rejected = new LongAdder();

	private final Listeners listeners = new Listeners();

	public FixedThreadPoolBulkhead(String name, BulkheadConfig config, ContextPropagator propagator) {
		this.name = requireNonNull(name, "name");
		this.config = requireNonNull(config, "config");
		this.propagator = requireNonNull(propagator, "propagator");
		requireArgument(config.getType() == BulkheadConfig.Type.THREAD_POOL, "ThreadPoolBulkhead '" + name
				+ "' needs a configuration of type THREAD_POOL but got " + config.getType()
				+ "; use Bulkhead.of for SEMAPHORE");
		BlockingQueue<Runnable> queue = (config.getQueueCapacity() > 0)
				? new ArrayBlockingQueue<>(config.getQueueCapacity()) : new SynchronousQueue<>();
		this.executor = new ThreadPoolExecutor(config.getCoreSize(), config.getMaxSize(),
				config.getKeepAlive().toNanos(), TimeUnit.NANOSECONDS, queue, new NamedDaemonThreads(name),
				new ThreadPoolExecutor.AbortPolicy());
		this.fullDetail = config.getMaxSize() + " threads busy and " + config.getQueueCapacity()
				+ " calls queued";
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
		Runnable submitted = requireNonNull(this.propagator.wrap(task), "ContextPropagator.wrap result");
		task.submitted = submitted;
		try {
			this.executor.execute(submitted);
		}
		catch (RejectedExecutionException ex) {
			if (this.executor.isShutdown()) {
				return CompletableFuture.failedFuture(
						new IllegalStateException("ThreadPoolBulkhead '" + this.name + "' is closed"));
			}
			this.rejected.increment();
			this.listeners.callRejected(this.name);
			return CompletableFuture.failedFuture(new BulkheadFullException(this.name, this.fullDetail));
		}
		task.result.whenComplete(task);
		return task.result;
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
		this.executor.shutdown();
	}

	@Override
	public int getAvailableConcurrentCalls() {
		return this.config.getMaxSize() - this.running.get();
	}

	@Override
	public int getMaxAllowedConcurrentCalls() {
		return this.config.getMaxSize();
	}

	@Override
	public long getNumberOfRejectedCalls() {
		return this.rejected.sum();
	}

	@Override
	public int getQueueDepth() {
		return this.executor.getQueue().size();
	}

	@Override
	public int getQueueCapacity() {
		return this.config.getQueueCapacity();
	}

	@Override
	public String toString() {
		return "ThreadPoolBulkhead '" + this.name + "' (" + this.running.get() + "/" + this.config.getMaxSize()
				+ " threads busy, " + getQueueDepth() + "/" + this.config.getQueueCapacity() + " queued)";
	}

	/**
	 * One call: the runnable put in the queue, and the listener of both the call's stage and the
	 * future handed to the caller. Cancelling that future before the call starts removes it from the
	 * queue (and {@link #run()} skips a cancelled call that was already taken); after it started,
	 * the call's stage is cancelled when it is a {@link Future}.
	 */
	private static final class Task<A, T> implements Runnable, BiConsumer<T, Throwable> {

		private final FixedThreadPoolBulkhead bulkhead;

		private final CheckedFunction<? super A, ? extends CompletionStage<T>> call;

		private final A argument;

		final CompletableFuture<T> result = new CompletableFuture<>();

		volatile Runnable submitted;

		private volatile CompletionStage<T> stage;

		Task(FixedThreadPoolBulkhead bulkhead, CheckedFunction<? super A, ? extends CompletionStage<T>> call,
				A argument) {
			this.bulkhead = bulkhead;
			this.call = call;
			this.argument = argument;
		}

		@Override
		public void run() {
			if (this.result.isDone()) {
				return;
			}
			CompletionStage<T> stage;
			this.bulkhead.running.incrementAndGet();
			try {
				stage = this.call.apply(this.argument);
			}
			catch (Throwable ex) {
				this.bulkhead.running.decrementAndGet();
				this.result.completeExceptionally(ex);
				return;
			}
			this.bulkhead.running.decrementAndGet();
			if (stage == null) {
				this.result.completeExceptionally(new NullPointerException("Call in thread-pool bulkhead '"
						+ this.bulkhead.name + "' returned null instead of a CompletionStage"));
				return;
			}
			this.stage = stage;
			stage.whenComplete(this);
			if (this.result.isCancelled()) {
				cancel(stage);
			}
		}

		@Override
		public void accept(T value, Throwable failure) {
			if (this.result.isCancelled()) {
				CompletionStage<T> stage = this.stage;
				if (stage != null) {
					cancel(stage);
				}
				else {
					this.bulkhead.executor.remove(this.submitted);
				}
			}
			else if (failure == null) {
				this.result.complete(value);
			}
			else {
				this.result.completeExceptionally(failure);
			}
		}

		private static void cancel(CompletionStage<?> stage) {
			if (stage instanceof Future<?> future) {
				future.cancel(true);
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
