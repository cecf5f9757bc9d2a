/**
 * The chaos implementation: {@code ChaosImpl} and {@code DelayedAttempt}, an asynchronous
 * call held back by injected latency. Internal: no compatibility promise, not to be used
 * outside the engine; obtain a chaos instance through {@link dev.resilience.chaos.Chaos}
 * or {@link dev.resilience.chaos.ChaosRegistry}.
 */
package dev.resilience.chaos.internal;
