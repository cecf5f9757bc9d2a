package dev.resilience.fallback;

import dev.resilience.Invocation;

/**
 * Produces the answer of a failed call: a resolved {@link FallbackMethod}, or a lambda in the
 * programmatic API. For a {@code CompletionStage} call it returns a stage.
 */
@FunctionalInterface
public interface FallbackHandler {

	Object handle(Invocation invocation, Throwable failure) throws Throwable;

	/**
	 * Whether {@link #handle} has an answer for {@code failure} rather than rethrowing it. Asked
	 * before {@code handle}, so that only a fallback that runs is counted; a handler that answers
	 * every failure it is given keeps this default.
	 */
	default boolean handles(Throwable failure) {
		return true;
	}

	/**
	 * Handler that calls {@code method} on the invocation's target with its arguments; it handles
	 * the failures one of the method's overloads accepts.
	 */
	static FallbackHandler of(FallbackMethod method) {
		return new FallbackHandler() {

			@Override
			public Object handle(Invocation invocation, Throwable failure) throws Throwable {
				return method.invoke(invocation.getTarget(), invocation.getArguments(), failure);
			}

			@Override
			public boolean handles(Throwable failure) {
				return method.handles(Failures.unwrap(failure).getClass());
			}

		};
	}

}
