/**
 * The engine's entry points, for users: {@link dev.resilience.Resilience} and
 * {@link dev.resilience.ResilienceRegistry} for named instances,
 * {@link dev.resilience.Pipeline} to compose them in the fixed order,
 * {@link dev.resilience.Policy} (what a circuit breaker, retry and bulkhead have in
 * common), and the injected {@link dev.resilience.Ticker} and
 * {@link dev.resilience.Scheduler} through which the engine reads time and waits.
 * <p>
 * Also the SPI for integrations (such as the Spring starter):
 * {@link dev.resilience.Stage}, {@link dev.resilience.Invocation} and
 * {@link dev.resilience.ContextPropagator}: what a stage of its own, or a caller context
 * to carry across threads, implements.
 */
package dev.resilience;
