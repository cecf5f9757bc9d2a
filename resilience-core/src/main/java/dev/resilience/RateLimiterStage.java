package dev.resilience;

import java.util.concurrent.CompletionStage;

import dev.resilience.ratelimiter.RateLimiter;

/**
 * The rate limiter of a {@link Pipeline}. One stage class per policy: see
 * {@link BulkheadStage}.
 */
final class RateLimiterStage implements Stage {

	private final RateLimiter rateLimiter;

	RateLimiterStage(RateLimiter rateLimiter) {
		this.rateLimiter = rateLimiter;
	}

	@Override
	public Object call(Invocation invocation, CheckedFunction<Invocation, Object> next) throws Throwable {
		return this.rateLimiter.execute(next, invocation);
	}

	@Override
	public CompletionStage<Object> callAsync(Invocation invocation,
			CheckedFunction<Invocation, CompletionStage<Object>> next) {
		return this.rateLimiter.executeAsync(next, invocation);
	}

}
