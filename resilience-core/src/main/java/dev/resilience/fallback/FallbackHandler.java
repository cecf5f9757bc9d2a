package dev.resilience.fallback;

import dev.resilience.Invocation;

/**
 * Produces the answer of a failed call: a resolved {@link FallbackMethod}, or a lambda in the
 * programmatic API. For a {@code CompletionStage} call it returns a stage.
 */
@FunctionalInterface
public interface FallbackHandler {

	Object handle(Invocation invocation, Throwable failure) throws Throwable;

	/** Handler that calls {@code method} on the invocation's target with its arguments. */
	static FallbackHandler of(FallbackMethod method) {
		return (invocation, failure) -> method.invoke(invocation.getTarget(), invocation.getArguments(), failure);
	}

}
