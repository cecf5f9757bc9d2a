package dev.resilience.fallback;

import dev.resilience.Invocation;

/**
 * Produces the answer of a failed call: the method a {@code @Fallback} annotation names
 * (resolved by the Spring layer at startup), or a lambda in the programmatic API. For a
 * {@code CompletionStage} call it returns a stage.
 */
@FunctionalInterface
public interface FallbackHandler {

	/**
	 * The answer of the failed call.
	 * @param invocation the call that failed, with its target and arguments
	 * @param failure what the call finally failed with, without the
	 * {@code CompletionException}/{@code ExecutionException} wrappers around it: the
	 * pipeline unwraps it once, by the rule every policy uses
	 * @return the answer, a stage for a {@code CompletionStage} call
	 * @throws Throwable what the fallback throws, which the caller then gets
	 */
	Object handle(Invocation invocation, Throwable failure) throws Throwable;

	/**
	 * Whether {@link #handle} has an answer for {@code failure} (unwrapped, as there)
	 * rather than rethrowing it. Asked before {@code handle}, so that only a fallback
	 * that runs is counted; a handler that answers every failure it is given keeps this
	 * default.
	 */
	default boolean handles(Throwable failure) {
		return true;
	}

}
