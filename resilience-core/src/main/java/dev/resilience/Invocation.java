package dev.resilience;

/**
 * One call of protected code, as the {@link Pipeline} sees it. {@link #proceed()} runs
 * the code once and may be called again for each retry attempt; the arguments and target
 * are there for stages that need them (a fallback method takes the same arguments, an
 * idempotency key is computed from them).
 */
public interface Invocation {

	/**
	 * Runs the protected code once more; for a {@code CompletionStage} method, returns
	 * its stage.
	 */
	Object proceed() throws Throwable;

	/** Arguments of the call; never {@code null}, empty for a lambda. */
	Object[] getArguments();

	/**
	 * Object the method is called on, or {@code null} for a lambda or a static method.
	 */
	Object getTarget();

}
