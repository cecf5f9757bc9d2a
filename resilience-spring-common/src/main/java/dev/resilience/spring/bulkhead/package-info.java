/**
 * The limit algorithms of adaptive bulkheads, implemented with Netflix's
 * concurrency-limits library behind the engine's
 * {@link dev.resilience.bulkhead.LimitAlgorithm} SPI.
 */
package dev.resilience.spring.bulkhead;
