package dev.resilience;

import java.util.concurrent.CompletionStage;

import dev.resilience.chaos.Chaos;

/**
 * The chaos instance of a {@link Pipeline}, innermost: what it injects reaches every
 * other stage as the protected code's own failure or slowness. One stage class per
 * policy: see {@link BulkheadStage}.
 */
final class ChaosStage implements Stage {

	private final Chaos chaos;

	ChaosStage(Chaos chaos) {
		this.chaos = chaos;
	}

	@Override
	public Object call(Invocation invocation, CheckedFunction<Invocation, Object> next) throws Throwable {
		return this.chaos.execute(next, invocation);
	}

	@Override
	public CompletionStage<Object> callAsync(Invocation invocation,
			CheckedFunction<Invocation, CompletionStage<Object>> next) {
		return this.chaos.executeAsync(next, invocation);
	}

}
