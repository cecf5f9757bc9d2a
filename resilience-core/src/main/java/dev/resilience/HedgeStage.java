package dev.resilience;

import java.util.concurrent.CompletionStage;

import dev.resilience.hedge.Hedge;

/**
 * The hedge of a {@link Pipeline}: each attempt, the first and every hedge, runs the rest
 * of the pipeline (breaker, rate limiter, timeout, bulkhead). Only asynchronous calls can
 * be hedged: a synchronous call fails with {@link UnsupportedOperationException}, which
 * the Spring layer prevents at startup. One stage class per policy: see
 * {@link BulkheadStage}.
 */
final class HedgeStage implements Stage {

	private final Hedge hedge;

	HedgeStage(Hedge hedge) {
		this.hedge = hedge;
	}

	@Override
	public Object call(Invocation invocation, CheckedFunction<Invocation, Object> next) {
		throw new UnsupportedOperationException("Hedge '" + this.hedge.getName()
				+ "' hedges only asynchronous calls (CompletionStage); a synchronous call cannot be hedged");
	}

	@Override
	public CompletionStage<Object> callAsync(Invocation invocation,
			CheckedFunction<Invocation, CompletionStage<Object>> next) {
		return this.hedge.executeAsync((attempt) -> HedgedAttempt.run(attempt, next), invocation);
	}

}
