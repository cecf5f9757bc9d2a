package dev.resilience.idempotency;

/**
 * Supplies the scope a key belongs to for the current call, such as the authenticated
 * principal's name, so that equal keys from different users never share a record.
 * {@code null} means the global scope. Called once per idempotent call on the caller's
 * thread.
 */
@FunctionalInterface
public interface IdempotencyScope {

	/** Every key in one namespace, whoever calls. */
	IdempotencyScope GLOBAL = () -> null;

	String currentScope();

}
