package dev.resilience;

/**
 * A function that may throw anything. Policies take one of these plus its argument
 * ({@code execute(function, argument)}) instead of a capturing lambda, so that a pipeline
 * built once at startup can run a call without allocating a closure per call.
 *
 * @param <A> argument type
 * @param <R> result type
 */
@FunctionalInterface
public interface CheckedFunction<A, R> {

	R apply(A argument) throws Throwable;

}
