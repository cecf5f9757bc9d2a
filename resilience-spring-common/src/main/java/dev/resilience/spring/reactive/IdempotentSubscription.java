package dev.resilience.spring.reactive;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.reactivestreams.Publisher;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.ClassUtils;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

import dev.resilience.Invocation;
import dev.resilience.Stage;
import dev.resilience.fallback.FallbackAnswer;

/**
 * {@code @Idempotent} on a method returning {@code Mono}, outside every other pattern:
 * each subscription is one call of the idempotency stage's asynchronous path. The first
 * call with a key subscribes to the rest of the pipeline and stores the value it emits
 * (an empty {@code Mono} stores "no value"); a replay emits the stored value, or
 * completes empty, without invoking the method. The in-progress, key-reuse and fallback
 * rules are the engine's, as for a {@code CompletionStage} method: a degraded answer of
 * the fallback reaches the stage as a {@link FallbackAnswer}, stored only when the
 * instance says so. A subscriber that cancels stops a wait for another call with the key;
 * a first call already running runs to its end and its result is stored.
 * <p>
 * The per-principal scope reads Spring Security's thread-local context; in WebFlux the
 * principal lives in the Reactor context instead ({@code ReactiveSecurityContextHolder}),
 * so a security context found there is made the thread's for as long as the stage decides
 * (and starts) the call.
 */
final class IdempotentSubscription {

	private static final boolean SECURITY = ClassUtils.isPresent(
			"org.springframework.security.core.context.ReactiveSecurityContextHolder",
			IdempotentSubscription.class.getClassLoader());

	private IdempotentSubscription() {
	}

	static Mono<Object> apply(Stage stage, Invocation invocation, Mono<Object> call) {
		Mono<Object> run = Mono
			.deferContextual((context) -> Mono.fromCompletionStage(start(stage, invocation, call, context)));
		return SECURITY ? ReactiveSecurity.apply(stage, invocation, call, run) : run;
	}

	/**
	 * The call as the stage runs it: subscribed by the stage (toFuture), out of the
	 * subscriber's chain, so the subscriber's Reactor context is written into it.
	 */
	private static CompletionStage<Object> start(Stage stage, Invocation invocation, Mono<Object> call,
			ContextView context) {
		return stage.callAsync(invocation, (ignored) -> call.contextWrite(context).toFuture());
	}

	/** A fallback's answer, marked as degraded for the idempotency stage. */
	static Publisher<Object> markFallback(Publisher<Object> answer) {
		return Mono.from(answer).<Object>map(FallbackAnswer::new).defaultIfEmpty(new FallbackAnswer(null));
	}

	/** Loaded only when Spring Security is present. */
	private static final class ReactiveSecurity {

		static Mono<Object> apply(Stage stage, Invocation invocation, Mono<Object> call, Mono<Object> withoutIt) {
			return Mono.deferContextual((context) -> {
				if (!context.hasKey(SecurityContext.class)) {
					return withoutIt;
				}
				// Optional: an empty result of the call must not switch to a second one.
				return ReactiveSecurityContextHolder.getContext()
					.map(Optional::of)
					.defaultIfEmpty(Optional.empty())
					.flatMap((security) -> Mono.fromCompletionStage(
							security.isPresent() ? startAs(security.get(), stage, invocation, call, context)
									: start(stage, invocation, call, context)));
			});
		}

		private static CompletionStage<Object> startAs(SecurityContext security, Stage stage, Invocation invocation,
				Mono<Object> call, ContextView context) {
			SecurityContext previous = SecurityContextHolder.getContext();
			SecurityContextHolder.setContext(security);
			try {
				return start(stage, invocation, call, context);
			}
			finally {
				SecurityContextHolder.setContext(previous);
			}
		}

	}

}
