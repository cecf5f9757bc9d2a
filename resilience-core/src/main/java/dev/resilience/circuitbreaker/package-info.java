/**
 * The circuit breaker, for users: the
 * {@link dev.resilience.circuitbreaker.CircuitBreaker} interface and its states,
 * configuration, listener, call outcomes and
 * {@link dev.resilience.circuitbreaker.CallNotPermittedException}. API; the state machine
 * lives in {@code dev.resilience.circuitbreaker.internal}.
 */
package dev.resilience.circuitbreaker;
