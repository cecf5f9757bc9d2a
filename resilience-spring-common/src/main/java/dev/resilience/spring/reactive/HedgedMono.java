package dev.resilience.spring.reactive;

import java.util.concurrent.CompletionStage;

import reactor.core.publisher.Mono;

import dev.resilience.hedge.Hedge;

/**
 * A {@code Mono} call under a hedge: each attempt is a subscription to the rest of the
 * pipeline (breaker, rate limiter, timeout, bulkhead, method), made by the engine's
 * {@link Hedge} on the caller's thread for the first attempt and on the engine's
 * scheduler for each hedge, in the subscriber's Reactor context. The first value (or
 * empty completion) wins and the other subscriptions are cancelled, so a losing attempt
 * gives its bulkhead permit back and the breaker records nothing for it; when every
 * attempt fails, the last error is signalled. A subscriber that cancels cancels every
 * attempt and the pending hedge.
 */
final class HedgedMono {

	private HedgedMono() {
	}

	static Mono<Object> apply(Hedge hedge, Mono<Object> attempt) {
		return Mono.deferContextual((context) -> Mono.fromFuture(
				hedge.executeAsync(HedgedMono::subscribe, attempt.contextWrite(context)).toCompletableFuture(), false));
	}

	/** One attempt: cancelling the future cancels the subscription. */
	private static CompletionStage<Object> subscribe(Mono<Object> attempt) {
		return attempt.toFuture();
	}

}
