/**
 * Chaos injection: {@code Chaos}, an instance that injects errors and latency into the
 * calls it wraps at configured rates, its {@code ChaosConfig} (swapped at runtime),
 * {@code ChaosRegistry} of named instances, {@code ChaosListener}, {@code ChaosFault} and
 * {@code InjectedFaultException}, the default injected error. API.
 */
package dev.resilience.chaos;
