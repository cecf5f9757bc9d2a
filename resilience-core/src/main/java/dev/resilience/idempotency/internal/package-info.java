/**
 * The idempotency policy's implementation: claiming a key, waiting for or rejecting a
 * call in progress, storing and replaying results. Internal: no compatibility promise,
 * not to be used outside the engine; obtain an instance through
 * {@link dev.resilience.idempotency.Idempotency} or
 * {@link dev.resilience.ResilienceRegistry}.
 */
package dev.resilience.idempotency.internal;
