package dev.resilience.ratelimiter;

import java.time.Duration;

import dev.resilience.ResilienceException;
import dev.resilience.internal.Durations;

/**
 * Thrown instead of calling the protected method when a {@link RateLimiter} has no permit
 * for the call within its timeout duration. {@link #getRetryAfter()} says when the next
 * permit is free. Carries no stack trace, since it is raised on the load-shedding path
 * and would only point into the engine.
 */
public class RequestNotPermittedException extends ResilienceException {

	private final Duration retryAfter;

	/**
	 * @param rateLimiterName name of the refusing rate limiter
	 * @param retryAfter how long until the next permit is free; positive
	 */
	public RequestNotPermittedException(String rateLimiterName, Duration retryAfter) {
		super(rateLimiterName, "RateLimiter '" + rateLimiterName + "' does not permit further calls; next permit in "
				+ Durations.format(retryAfter), false);
		this.retryAfter = retryAfter;
	}

	/** How long until the next permit is free, from the moment of the refusal. */
	public Duration getRetryAfter() {
		return this.retryAfter;
	}

}
