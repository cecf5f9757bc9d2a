package dev.resilience.spring.reactive;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import reactor.core.publisher.Flux;

import dev.resilience.bulkhead.Bulkhead;

/**
 * The semaphore bulkhead as a Reactor operator: a permit is taken at subscription (a full
 * bulkhead is a {@code BulkheadFullException} error signal) and given back once, at
 * completion, error or cancel, or on a {@code Mono} at its one value (the call has ended,
 * even when the subscriber then cancels from inside {@code onNext}).
 */
final class BulkheadSubscription {

	private BulkheadSubscription() {
	}

	static Flux<Object> apply(Bulkhead bulkhead, boolean mono, Flux<Object> source) {
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
			Flux<Object> released = mono ? source.doOnNext(release) : source;
			return released.doOnTerminate(release).doOnCancel(release);
		});
	}

	/** Runs its task at most once, however many of the signals it is given arrive. */
	private static final class Once extends AtomicBoolean implements Runnable, Consumer<Object> {

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

		/** A Mono's value: the call has ended. */
		@Override
		public void accept(Object value) {
			run();
		}

	}

}
