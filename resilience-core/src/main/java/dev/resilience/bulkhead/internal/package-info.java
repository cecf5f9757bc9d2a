/**
 * The bulkhead implementations (semaphore and fixed thread pool). Internal: no
 * compatibility promise, not to be used outside the engine; obtain a bulkhead through
 * {@link dev.resilience.bulkhead.Bulkhead} or {@link dev.resilience.ResilienceRegistry}.
 */
package dev.resilience.bulkhead.internal;
