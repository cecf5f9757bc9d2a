/**
 * The timeout's implementation: {@code TimeoutImpl} runs calls, {@code DeadlineWatcher}
 * interrupts synchronous calls at their deadline, {@code AsyncDeadline} fails an
 * asynchronous call's result at its deadline. Internal: no compatibility promise.
 */
package dev.resilience.timeout.internal;
