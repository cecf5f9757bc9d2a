/**
 * Retry, for users: the {@link dev.resilience.retry.Retry} interface, its configuration
 * (attempts, backoff, jitter, retry budget), listener and outcomes. API; the
 * implementation lives in {@code dev.resilience.retry.internal}.
 */
package dev.resilience.retry;
