package dev.resilience;

import java.util.concurrent.CompletionStage;

import dev.resilience.bulkhead.Bulkhead;

/**
 * The bulkhead of a {@link Pipeline}, of either kind: a thread-pool bulkhead refuses a
 * synchronous call with {@link UnsupportedOperationException}, which the Spring layer
 * prevents at startup.
 * <p>
 * One stage class per policy rather than one shared class over a common policy type: each
 * class's call into its policy then sees one receiver type (two for the bulkhead's two
 * kinds), which the JIT inlines on the success path; a shared class would make that call
 * megamorphic in every stacked pipeline.
 */
final class BulkheadStage implements Stage {

	private final Bulkhead bulkhead;

	BulkheadStage(Bulkhead bulkhead) {
		this.bulkhead = bulkhead;
	}

	@Override
	public Object call(Invocation invocation, CheckedFunction<Invocation, Object> next) throws Throwable {
		return this.bulkhead.execute(next, invocation);
	}

	@Override
	public CompletionStage<Object> callAsync(Invocation invocation,
			CheckedFunction<Invocation, CompletionStage<Object>> next) {
		return this.bulkhead.executeAsync(next, invocation);
	}

}
