/**
 * Tracing: what the resilience patterns do, as events on the current Micrometer
 * observation, which Micrometer Tracing shows as span events.
 */
package dev.resilience.spring.observation;
