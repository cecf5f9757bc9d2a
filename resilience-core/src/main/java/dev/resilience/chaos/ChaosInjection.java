package dev.resilience.chaos;

/**
 * The faults rolled for one call by {@link Chaos#roll()}: a latency to wait before the
 * call (0 for none), then an error to fail it with instead of running it ({@code null}
 * for none). Immutable.
 */
public final class ChaosInjection {

	/** Nothing injected. */
	public static final ChaosInjection NONE = new ChaosInjection(0, null);

	private final long latencyNanos;

	private final Throwable error;

	/**
	 * @param latencyNanos delay before the call, 0 for none
	 * @param error failure replacing the call, {@code null} for none
	 */
	public ChaosInjection(long latencyNanos, Throwable error) {
		this.latencyNanos = latencyNanos;
		this.error = error;
	}

	/** Delay before the call in nanoseconds; 0 for none. */
	public long getLatencyNanos() {
		return this.latencyNanos;
	}

	/** The failure replacing the call, or {@code null} when it runs. */
	public Throwable getError() {
		return this.error;
	}

	/** Whether anything at all was injected. */
	public boolean isEmpty() {
		return this.latencyNanos == 0 && this.error == null;
	}

}
