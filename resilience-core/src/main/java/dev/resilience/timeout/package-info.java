/**
 * The timeout: {@code Timeout}, its configuration, listener, outcomes and
 * {@code TimeoutExceededException}. API.
 */
package dev.resilience.timeout;
