package dev.resilience;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.resilience.fallback.FallbackAnswer;
import dev.resilience.fallback.FallbackConfig;
import dev.resilience.fallback.FallbackHandler;
import dev.resilience.fallback.FallbackListener;
import dev.resilience.internal.Failures;

/**
 * The fallback of a {@link Pipeline}: answers the failures its configuration and handler
 * accept, synchronous or asynchronous, with the handler's result, and tells the listener
 * of each. Sees the failure left after every retry; the configuration, the handler and
 * the listener are all given its cause, {@linkplain Failures#unwrap(Throwable) unwrapped}
 * once here. A failure it does not answer goes on as it was thrown.
 */
final class FallbackStage implements Stage {

	private final FallbackHandler handler;

	private final FallbackConfig config;

	private final FallbackListener listener;

	private final String method;

	/** Whether answers go to the outer stage as {@link FallbackAnswer}s. */
	private final boolean markAnswers;

	FallbackStage(FallbackHandler handler, FallbackConfig config, FallbackListener listener, String method,
			boolean markAnswers) {
		this.handler = handler;
		this.config = config;
		this.listener = listener;
		this.method = method;
		this.markAnswers = markAnswers;
	}

	@Override
	public Object call(Invocation invocation, CheckedFunction<Invocation, Object> next) throws Throwable {
		try {
			return next.apply(invocation);
		}
		catch (Throwable failure) {
			Throwable cause = Failures.unwrap(failure);
			if (!this.config.shouldHandle(cause) || !this.handler.handles(cause)) {
				throw failure;
			}
			notify(cause);
			Object answer = this.handler.handle(invocation, cause);
			return this.markAnswers ? new FallbackAnswer(answer) : answer;
		}
	}

	@Override
	public CompletionStage<Object> callAsync(Invocation invocation,
			CheckedFunction<Invocation, CompletionStage<Object>> next) {
		CompletionStage<Object> stage;
		try {
			stage = next.apply(invocation);
		}
		catch (Throwable ex) {
			stage = CompletableFuture.failedFuture(ex);
		}
		return stage.exceptionallyCompose((wrapped) -> {
			Throwable failure = Failures.unwrap(wrapped);
			if (!this.config.shouldHandle(failure) || !this.handler.handles(failure)) {
				return CompletableFuture.failedFuture(failure);
			}
			notify(failure);
			try {
				Object answer = this.handler.handle(invocation, failure);
				if (answer instanceof CompletionStage<?> answerStage) {
					return this.markAnswers ? answerStage.thenApply(FallbackAnswer::new) : castStage(answerStage);
				}
				return CompletableFuture.completedFuture(this.markAnswers ? new FallbackAnswer(answer) : answer);
			}
			catch (Throwable ex) {
				return CompletableFuture.failedFuture(ex);
			}
		});
	}

	private void notify(Throwable failure) {
		if (this.listener != null) {
			this.listener.onFallback(this.method, failure);
		}
	}

	@SuppressWarnings("unchecked")
	private static CompletionStage<Object> castStage(CompletionStage<?> stage) {
		return (CompletionStage<Object>) stage;
	}

}
