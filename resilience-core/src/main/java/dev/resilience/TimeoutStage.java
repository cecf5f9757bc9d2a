package dev.resilience;

import java.util.concurrent.CompletionStage;

import dev.resilience.timeout.Timeout;

/**
 * The timeout of a {@link Pipeline}. One stage class per policy: see
 * {@link BulkheadStage}.
 */
final class TimeoutStage implements Stage {

	private final Timeout timeout;

	TimeoutStage(Timeout timeout) {
		this.timeout = timeout;
	}

	@Override
	public Object call(Invocation invocation, CheckedFunction<Invocation, Object> next) throws Throwable {
		return this.timeout.execute(next, invocation);
	}

	@Override
	public CompletionStage<Object> callAsync(Invocation invocation,
			CheckedFunction<Invocation, CompletionStage<Object>> next) {
		return this.timeout.executeAsync(next, invocation);
	}

}
