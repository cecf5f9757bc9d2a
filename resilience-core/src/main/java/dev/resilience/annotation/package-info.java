/**
 * The annotations users put on methods: {@code @CircuitBreaker}, {@code @Retry},
 * {@code @RateLimiter}, {@code @Timeout}, {@code @Bulkhead}, {@code @Fallback} and
 * {@code @Idempotent}. API. They carry no behaviour of their own: an integration (the
 * Spring starter) reads them and builds each method's pipeline. Plain Java, so that code
 * can be annotated without depending on Spring.
 */
package dev.resilience.annotation;
