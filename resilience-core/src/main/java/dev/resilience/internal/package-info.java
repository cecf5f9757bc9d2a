/**
 * The engine's shared toolkit: argument checks, unwrapping and classifying failures,
 * duration conversion and formatting, listener lists. Internal: no compatibility promise,
 * used by the engine's own packages only (an ArchUnit test keeps every other class off
 * it).
 */
package dev.resilience.internal;
