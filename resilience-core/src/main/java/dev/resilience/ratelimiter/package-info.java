/**
 * The rate limiter: {@code RateLimiter}, its configuration, listener, outcomes and
 * {@code RequestNotPermittedException}. API.
 */
package dev.resilience.ratelimiter;
