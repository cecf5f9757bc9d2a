package dev.resilience.spring.reactive;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

import dev.resilience.Invocation;

/**
 * One attempt of a {@code Mono} method: each subscription invokes the method and
 * subscribes to the {@code Mono} it returns; what the invocation throws, or a
 * {@code null} result, is the error signal. {@code Mono.defer} without a lambda per call.
 */
final class AttemptMono extends Mono<Object> {

	private final ReactivePipeline pipeline;

	private final Invocation invocation;

	AttemptMono(ReactivePipeline pipeline, Invocation invocation) {
		this.pipeline = pipeline;
		this.invocation = invocation;
	}

	@Override
	public void subscribe(CoreSubscriber<? super Object> actual) {
		Mono.fromDirect(this.pipeline.attempt(this.invocation)).subscribe(actual);
	}

}
