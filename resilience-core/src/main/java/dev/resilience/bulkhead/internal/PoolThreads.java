package dev.resilience.bulkhead.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.internal.Durations;

/**
 * The threads of a {@link FixedThreadPoolBulkhead}. They run only the synchronous part of
 * a call; the pool starts a thread per call up to {@code maxSize} (the bulkhead never
 * hands it more calls than slots), keeps {@code coreSize} of them when idle, and lets the
 * others go after {@code keepAlive}. Threads are daemons named
 * {@code resilience-bulkhead-<name>-N}.
 */
final class PoolThreads {

	private PoolThreads() {
	}

	static ThreadPoolExecutor newExecutor(String name, BulkheadConfig config) {
		// Never more tasks than slots reach the executor, so its queue needs no bound; it
		// only has to prefer a new thread (up to maxSize) to queueing, which a plain
		// queue would not.
		ThreadFirstQueue queue = new ThreadFirstQueue();
		ThreadPoolExecutor executor = new ThreadPoolExecutor(config.getCoreSize(), config.getMaxSize(),
				Durations.toNanosSaturated(config.getKeepAlive()), TimeUnit.NANOSECONDS, queue,
				new NamedDaemonThreads(name), queue);
		queue.executor = executor;
		return executor;
	}

	/**
	 * The executor's queue: refuses a task while the pool may still grow, so that the
	 * executor starts a thread for it, and takes it when the executor refuses it because
	 * the pool is at its maximum (a thread is about to come free: every task here holds a
	 * slot, and there are no more slots than threads).
	 */
	private static final class ThreadFirstQueue extends LinkedBlockingQueue<Runnable>
			implements RejectedExecutionHandler {

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
