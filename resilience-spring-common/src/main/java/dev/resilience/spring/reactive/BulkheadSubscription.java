package dev.resilience.spring.reactive;

import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Flux;

import dev.resilience.bulkhead.Bulkhead;

/**
 * The semaphore bulkhead as a Reactor operator: a permit is taken at subscription (a full
 * bulkhead is a {@code BulkheadFullException} error signal) and given back once, at
 * completion, error or cancel.
 */
final class BulkheadSubscription {

	private BulkheadSubscription() {
	}

	static Flux<Object> apply(Bulkhead bulkhead, Flux<Object> source) {
		return Flux.defer(() -> {
			try {
				bulkhead.acquirePermission();
			}
			catch (Throwable ex) {
				ReactivePipeline.rethrowIfFatal(ex);
				return Flux.error(ex);
			}
			Once release = new Once(bulkhead::releasePermission);
			// Given back before the terminal signal travels on, so that a retry
			// re-subscribing at once finds the permit free.
			return source.doOnTerminate(release).doOnCancel(release);
		});
	}

	/** Runs its task at most once, however many of the signals it is given arrive. */
	private static final class Once extends AtomicBoolean implements Runnable {

		private final Runnable task;

		Once(Runnable task) {
			this.task = task;
		}

		@Override
		public void run() {
			if (compareAndSet(false, true)) {
				this.task.run();
			}
		}

	}

}
