/**
 * Retry's implementation: the attempt loop of both execution paths, the backoff
 * calculator and the retry budget. Internal: no compatibility promise, not to be used
 * outside the engine; obtain a retry through {@link dev.resilience.retry.Retry} or
 * {@link dev.resilience.ResilienceRegistry}.
 */
package dev.resilience.retry.internal;
