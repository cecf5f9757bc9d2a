package dev.resilience;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one place where the engine touches real time: the production {@link Ticker} and
 * {@link Scheduler}. Everything else receives them by injection.
 */
final class SystemTime {

	static final Ticker TICKER = System::nanoTime;

	static final Scheduler SCHEDULER = new ExecutorScheduler();

	private SystemTime() {
	}

	private static final class ExecutorScheduler implements Scheduler {

		/**
		 * One thread per core (at least two): a retried {@code CompletionStage} method is
		 * called from these threads, and one that blocks before returning its stage must
		 * not hold up every other delayed task.
		 */
		private final ScheduledExecutorService executor = Executors
			.newScheduledThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), new DaemonThreads());

		@Override
		public Cancellable schedule(Runnable task, long delayNanos) {
			ScheduledFuture<?> future = this.executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
			return () -> future.cancel(false);
		}

		@Override
		public void sleep(long delayNanos) throws InterruptedException {
			long deadline = TICKER.read() + delayNanos;
			long remaining = delayNanos;
			while (remaining > 0) {
				LockSupport.parkNanos(this, remaining);
				if (Thread.interrupted()) {
					throw new InterruptedException();
				}
				remaining = deadline - TICKER.read();
			}
		}

	}

	private static final class DaemonThreads implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public Thread newThread(Runnable runnable) {
			Thread thread = new Thread(runnable, "resilience-scheduler-" + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
