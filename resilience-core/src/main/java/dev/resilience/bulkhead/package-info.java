/**
 * The bulkhead, for users: the {@link dev.resilience.bulkhead.Bulkhead} interface, its
 * configuration, listener and {@link dev.resilience.bulkhead.BulkheadFullException}. API;
 * the implementations live in {@code dev.resilience.bulkhead.internal}. SPI:
 * {@link dev.resilience.bulkhead.LimitAlgorithm}, the algorithm that moves an adaptive
 * bulkhead's limit.
 */
package dev.resilience.bulkhead;
