/**
 * The circuit breaker's implementation: the state machine and its states, the sliding
 * windows that count outcomes, the thresholds and the half-open trial calls. Internal: no
 * compatibility promise, not to be used outside the engine; obtain a breaker through
 * {@link dev.resilience.circuitbreaker.CircuitBreaker} or
 * {@link dev.resilience.ResilienceRegistry}.
 */
package dev.resilience.circuitbreaker.internal;
