package dev.resilience;

import java.util.concurrent.CompletionStage;

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

	RetryStage(Retry retry) {
		this.retry = retry;
	}

	@Override
	public Object call(Invocation invocation, CheckedFunction<Invocation, Object> next) throws Throwable {
		return this.retry.execute(next, invocation);
	}

	@Override
	public CompletionStage<Object> callAsync(Invocation invocation,
			CheckedFunction<Invocation, CompletionStage<Object>> next) {
		return this.retry.executeAsync(next, invocation);
	}

}
