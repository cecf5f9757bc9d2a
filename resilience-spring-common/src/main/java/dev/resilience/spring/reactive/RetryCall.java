package dev.resilience.spring.reactive;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.util.retry.Retry.RetrySignal;

import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.retry.Retry;

/**
 * One subscription to a {@code Flux} through the retry: asks the engine whether and when
 * to retry, and waits on the engine's scheduler, in the context captured at subscription.
 */
final class RetryCall implements Runnable {

	final Retry.AttemptContext context;

	private final Scheduler scheduler;

	/** This call wrapped by the propagator on the subscribing thread. */
	private final Runnable wake;

	private volatile MonoSink<Long> waiting;

	RetryCall(Retry.AttemptContext context, Scheduler scheduler, ContextPropagator propagator) {
		this.context = context;
		this.scheduler = scheduler;
		this.wake = propagator.wrap(this);
	}

	/**
	 * The retry as a Reactor operator on a {@code Flux}: each subscription is one call,
	 * re-subscribing the whole stream after each retried failure.
	 */
	static Flux<Object> apply(Retry retry, Scheduler scheduler, ContextPropagator propagator, Flux<Object> source) {
		return Flux.defer(() -> {
			RetryCall call = new RetryCall(retry.begin(), scheduler, propagator);
			return source.doOnComplete(call.context::onSuccess)
				.retryWhen(reactor.util.retry.Retry.from((signals) -> signals.concatMap(call::next)))
				.doOnCancel(call::onCancel);
		});
	}

	Mono<Long> next(RetrySignal signal) {
		Throwable failure = signal.failure();
		long delay = this.context.onError(failure);
		if (delay < 0) {
			return Mono.error(failure);
		}
		return Mono.create((sink) -> {
			this.waiting = sink;
			Scheduler.Cancellable scheduled = this.scheduler.schedule(this.wake, delay);
			sink.onCancel(scheduled::cancel);
		});
	}

	/** The delay has elapsed: the next attempt starts. */
	@Override
	public void run() {
		MonoSink<Long> sink = this.waiting;
		this.context.onRetry();
		sink.success(1L);
	}

	void onCancel() {
		this.context.onCancel();
	}

}
