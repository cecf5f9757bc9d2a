/**
 * The hedge's implementation: {@code HedgeImpl} holds an instance's budget, learned delay
 * and counters, {@code HedgedCall} runs one call's attempts. Internal: no compatibility
 * promise.
 */
package dev.resilience.hedge.internal;
