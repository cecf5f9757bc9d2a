package dev.resilience.spring.reactive;

import reactor.core.publisher.Flux;

import dev.resilience.bulkhead.Bulkhead;

/**
 * The semaphore or adaptive bulkhead as a Reactor operator: a permit is taken at
 * subscription (a full bulkhead is a {@code BulkheadFullException} error signal) and
 * given back once, at completion, error or cancel, or on a {@code Mono} at its one value
 * (the call has ended, even when the subscriber then cancels from inside {@code onNext}).
 * How the call ended is reported with the permit: an adaptive bulkhead's algorithm learns
 * from a value, a completion or an error, and nothing from a cancel.
 */
final class BulkheadSubscription {

	private BulkheadSubscription() {
	}

	static Flux<Object> apply(Bulkhead bulkhead, boolean mono, Flux<Object> source) {
		return Flux.defer(() -> {
			Bulkhead.CallPermit permit;
			try {
				permit = bulkhead.acquireCallPermit();
			}
			catch (Throwable ex) {
				ReactivePipeline.rethrowIfFatal(ex);
				return Flux.error(ex);
			}
			// Given back before the terminal signal travels on, so that a retry
			// re-subscribing at once finds the permit free.
			Flux<Object> released = mono ? source.doOnNext((value) -> permit.onSuccess()) : source;
			return released.doOnComplete(permit::onSuccess).doOnError(permit::onFailure).doOnCancel(permit::onCancel);
		});
	}

}
