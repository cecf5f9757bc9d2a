package dev.resilience.spring.reactive;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.resilience.CheckedFunction;
import dev.resilience.ratelimiter.RateLimiter;

/**
 * The rate limiter as a Reactor operator: each subscription (so each retry
 * re-subscription) takes one permit before it subscribes upstream. The permit is asked of
 * the engine's asynchronous path, so a permit of a later period is waited for on the
 * limiter's scheduler, blocking no thread; a refusal is a
 * {@code RequestNotPermittedException} error signal; a subscription cancelled while it
 * waits never starts, and its reserved permit is handed back when no later one was
 * reserved since (as for a cancelled {@code CompletionStage} call). Permits and refusals
 * are counted, and reported to the listeners, by the engine exactly as for the other
 * paths.
 */
final class RateLimitedSubscription {

	/** The "call" the limiter starts once the permit is due: nothing but a signal. */
	private static final CheckedFunction<Object, CompletionStage<Object>> PERMITTED = (ignored) -> CompletableFuture
		.completedFuture(null);

	private RateLimitedSubscription() {
	}

	static Flux<Object> apply(RateLimiter rateLimiter, Flux<Object> source) {
		// fromCompletionStage cancels the limiter's stage when the subscription is
		// cancelled: a waiting call is then dropped and its permit handed back.
		return Flux.defer(() -> Mono.fromCompletionStage(rateLimiter.executeAsync(PERMITTED, null)).thenMany(source));
	}

}
