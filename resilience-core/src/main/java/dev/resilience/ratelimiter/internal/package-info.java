/**
 * The rate limiter implementation: {@code CyclePermits}, the lock-free permit count, and
 * {@code AtomicRateLimiter} over it. Internal: no compatibility promise, not to be used
 * outside the engine; obtain a rate limiter through
 * {@link dev.resilience.ratelimiter.RateLimiter} or
 * {@link dev.resilience.ResilienceRegistry}.
 */
package dev.resilience.ratelimiter.internal;
