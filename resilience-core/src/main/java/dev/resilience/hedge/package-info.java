/**
 * Hedging: {@code Hedge}, its configuration, listener and outcomes. API.
 */
package dev.resilience.hedge;
