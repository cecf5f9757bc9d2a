package dev.resilience.idempotency;

/**
 * Receives the outcome of every idempotent call, on the calling thread (or the thread
 * completing an asynchronous call). Must be fast and must not throw. Never receives the
 * key.
 */
@FunctionalInterface
public interface IdempotencyListener {

	void onOutcome(String name, IdempotencyOutcome outcome);

}
