package dev.resilience;

import java.util.concurrent.CompletionStage;

import dev.resilience.retry.ResultPredicate;
import dev.resilience.retry.Retry;

/**
 * The retry of a {@link Pipeline}: each attempt runs the rest of the pipeline.
 * <p>
 * One stage class per policy rather than one shared class over a common policy type: each
 * class's call into its policy then sees one receiver type (two for the bulkhead's two
 * kinds), which the JIT inlines on the success path; a shared class would make that call
 * megamorphic in every stacked pipeline.
 */
final class RetryStage implements Stage {

	private final Retry retry;

	/** {@code null} when no result is retried. */
	private final ResultPredicate<? super Invocation, Object> retryOnResult;

	RetryStage(Retry retry, ResultPredicate<? super Invocation, Object> retryOnResult) {
		this.retry = retry;
		this.retryOnResult = retryOnResult;
	}

	@Override
	public Object call(Invocation invocation, CheckedFunction<Invocation, Object> next) throws Throwable {
		ResultPredicate<? super Invocation, Object> retryOnResult = this.retryOnResult;
		return (retryOnResult != null) ? this.retry.execute(next, invocation, retryOnResult)
				: this.retry.execute(next, invocation);
	}

	@Override
	public CompletionStage<Object> callAsync(Invocation invocation,
			CheckedFunction<Invocation, CompletionStage<Object>> next) {
		ResultPredicate<? super Invocation, Object> retryOnResult = this.retryOnResult;
		return (retryOnResult != null) ? this.retry.executeAsync(next, invocation, retryOnResult)
				: this.retry.executeAsync(next, invocation);
	}

}
