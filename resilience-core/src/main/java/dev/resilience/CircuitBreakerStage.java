package dev.resilience;

import java.util.concurrent.CompletionStage;

import dev.resilience.circuitbreaker.CircuitBreaker;

/**
 * The circuit breaker of a {@link Pipeline}: records every attempt that reaches it.
 * <p>
 * One stage class per policy rather than one shared class over a common policy type: each
 * class's call into its policy then sees one receiver type (two for the bulkhead's two
 * kinds), which the JIT inlines on the success path; a shared class would make that call
 * megamorphic in every stacked pipeline.
 */
final class CircuitBreakerStage implements Stage {

	private final CircuitBreaker circuitBreaker;

	CircuitBreakerStage(CircuitBreaker circuitBreaker) {
		this.circuitBreaker = circuitBreaker;
	}

	@Override
	public Object call(Invocation invocation, CheckedFunction<Invocation, Object> next) throws Throwable {
		return this.circuitBreaker.execute(next, invocation);
	}

	@Override
	public CompletionStage<Object> callAsync(Invocation invocation,
			CheckedFunction<Invocation, CompletionStage<Object>> next) {
		return this.circuitBreaker.executeAsync(next, invocation);
	}

}
