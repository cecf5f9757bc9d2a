package dev.resilience.internal;

/**
 * Rethrows a failure as it is, checked or not. The engine's {@code execute} methods
 * declare {@code Throwable}; their {@code Supplier} and {@code Callable} forms pass on
 * exactly what the call threw, never a wrapper.
 */
public final class Rethrow {

	private Rethrow() {
	}

	/**
	 * Throws {@code failure}; declared to return so that callers can write
	 * {@code throw Rethrow.asIs(failure)} and the compiler sees the path end.
	 */
	@SuppressWarnings("unchecked")
	public static <E extends Throwable> RuntimeException asIs(Throwable failure) throws E {
		throw (E) failure;
	}

}
