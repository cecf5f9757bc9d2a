package dev.resilience.bulkhead;

/**
 * SPI: the algorithm behind an adaptive bulkhead ({@link BulkheadConfig.Type#ADAPTIVE}).
 * The bulkhead asks it for the current limit before admitting a call and reports to it
 * every call that ends, with the call's start and round-trip time read from the engine's
 * {@code Ticker}. The bulkhead keeps the limit it applies between
 * {@link BulkheadConfig#getMinLimit()} and {@link BulkheadConfig#getMaxLimit()} whatever
 * the algorithm answers.
 * <p>
 * What is reported: a call that returns is a sample with {@code dropped} false; a call
 * that fails with an exception (including an {@code Error} other than a
 * {@link VirtualMachineError}, and an interrupt or a timeout inside the call) is a sample
 * with {@code dropped} true; a call cancelled by its caller
 * ({@link java.util.concurrent.CancellationException}, a reactive cancel) or ended by a
 * {@link VirtualMachineError} is not reported, since its duration says nothing about the
 * downstream.
 * <p>
 * Implementations must be thread safe: {@link #getLimit()} is called on every admission
 * and {@link #onSample} concurrently by the threads that end calls. Neither may block for
 * long.
 */
public interface LimitAlgorithm {

	/** Calls the algorithm would let in flight at once right now; at least 1. */
	int getLimit();

	/**
	 * One call ended.
	 * @param startNanos the engine ticker's reading when the call was admitted
	 * @param rttNanos how long the call took, admission to end, in ticker nanoseconds
	 * @param inFlight calls in flight when this one was admitted, itself included
	 * @param dropped whether the call failed, which algorithms such as AIMD and Vegas
	 * take as a sign of overload
	 */
	void onSample(long startNanos, long rttNanos, int inFlight, boolean dropped);

	/**
	 * Creates the algorithm of each adaptive bulkhead, for the
	 * {@link BulkheadConfig#getAlgorithm()} its configuration names, starting at
	 * {@link BulkheadConfig#getInitialLimit()}.
	 */
	@FunctionalInterface
	interface Factory {

		/**
		 * @param bulkheadName name of the adaptive bulkhead, for logs
		 * @param config its configuration, of type {@link BulkheadConfig.Type#ADAPTIVE}
		 * @return a new algorithm, used by that bulkhead alone
		 * @throws IllegalArgumentException if this factory does not implement the
		 * configured algorithm
		 */
		LimitAlgorithm create(String bulkheadName, BulkheadConfig config);

	}

}
