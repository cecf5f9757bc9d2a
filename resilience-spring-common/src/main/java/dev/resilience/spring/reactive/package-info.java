/**
 * Reactor support for the resilience annotations: the operators that protect a method
 * returning {@code Mono} or {@code Flux}. Reactor is optional; the classes here are only
 * loaded when a protected method returns a Reactor type, which needs reactor-core on the
 * classpath. See {@code docs/reactive.md}.
 */
package dev.resilience.spring.reactive;
