/**
 * Idempotency, for users: the {@link dev.resilience.idempotency.Idempotency} policy, its
 * configuration, listener and exceptions, and the in-memory store. API.
 * <p>
 * SPI for integrations: {@link dev.resilience.idempotency.IdempotencyStore} (where
 * records live; the starter adds Redis and JDBC stores) and
 * {@link dev.resilience.idempotency.ResultCodec} (how a result is stored), with the
 * record and claim types they exchange.
 */
package dev.resilience.idempotency;
