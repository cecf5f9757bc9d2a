package dev.resilience;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import dev.resilience.internal.Rethrow;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * What every named policy of the engine (circuit breaker, retry, bulkhead) does with a
 * call: run it under the policy, synchronously or asynchronously. The {@code Supplier},
 * {@code Callable} and stage-supplier forms are written once here, on top of the two
 * methods each policy implements.
 */
public interface Policy {

	/** The instance name, carried by its exceptions, metrics and listeners' events. */
	String getName();

	/**
	 * Runs {@code call.apply(argument)} on the calling thread under this policy.
	 * @throws Throwable whatever the call throws, unchanged, or the policy's own refusal
	 */
	<A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable;

	/**
	 * Runs a call that returns a stage under this policy, without blocking the caller.
	 * Never throws: a refusal, an exception thrown by {@code call} and a {@code null}
	 * stage all give a failed stage.
	 */
	<A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call, A argument);

	/** {@link #execute} for a {@link Supplier}; what it throws propagates as it is. */
	default <T> T executeSupplier(Supplier<T> supplier) {
		requireNonNull(supplier, "supplier");
		try {
			return execute(Supplier::get, supplier);
		}
		catch (Throwable ex) {
			throw Rethrow.asIs(ex);
		}
	}

	/** {@link #execute} for a {@link Callable}; what it throws propagates as it is. */
	default <T> T executeCallable(Callable<T> callable) throws Exception {
		requireNonNull(callable, "callable");
		try {
			return execute(Callable::call, callable);
		}
		catch (Throwable ex) {
			throw Rethrow.asIs(ex);
		}
	}

	/** {@link #executeAsync} for a supplier of a stage. */
	default <T> CompletionStage<T> executeCompletionStage(Supplier<? extends CompletionStage<T>> supplier) {
		requireNonNull(supplier, "supplier");
		return executeAsync(Supplier::get, supplier);
	}

}
