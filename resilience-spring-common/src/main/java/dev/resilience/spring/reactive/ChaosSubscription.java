package dev.resilience.spring.reactive;

import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.chaos.Chaos;
import dev.resilience.chaos.ChaosInjection;

/**
 * Chaos as a Reactor operator, innermost: each subscription rolls the faults of every
 * chaos instance of the method, in order; injected latency delays the subscription to the
 * method's publisher on the engine's scheduler, blocking no thread (a cancel cancels the
 * delay), and an injected error is an error signal in place of the method's. With nothing
 * configured a subscription costs one volatile read per instance.
 */
final class ChaosSubscription {

	private ChaosSubscription() {
	}

	static Flux<Object> apply(List<Chaos> chaos, Scheduler scheduler, ContextPropagator propagator,
			Flux<Object> source) {
		return Flux.defer(() -> {
			long latency = 0;
			Throwable error = null;
			for (Chaos instance : chaos) {
				ChaosInjection injection;
				try {
					injection = instance.roll();
				}
				catch (Throwable ex) {
					ReactivePipeline.rethrowIfFatal(ex);
					return Flux.error(ex);
				}
				latency += injection.getLatencyNanos();
				if (error == null) {
					error = injection.getError();
				}
				if (error != null) {
					break;
				}
			}
			Flux<Object> faulty = (error != null) ? Flux.error(error) : source;
			return (latency > 0) ? delay(scheduler, propagator, latency).thenMany(faulty) : faulty;
		});
	}

	private static Mono<Void> delay(Scheduler scheduler, ContextPropagator propagator, long nanos) {
		return Mono.create((sink) -> {
			Scheduler.Cancellable task = scheduler.schedule(propagator.wrap(sink::success), nanos);
			sink.onCancel(task::cancel);
		});
	}

}
