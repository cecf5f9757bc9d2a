package dev.resilience.spring.bulkhead;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;

import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.bulkhead.LimitAlgorithm;

/**
 * The algorithms of {@code type: adaptive} bulkheads, from Netflix's concurrency-limits:
 * {@code gradient2} is its {@code Gradient2Limit}, {@code vegas} its {@code VegasLimit},
 * {@code aimd} its {@code AIMDLimit}, each built with the bulkhead's initial, min and max
 * limit (Vegas has no min of its own: the bulkhead applies it) and the library's other
 * defaults. Only the library's limit algorithms are used, not its limiters: admission,
 * waiting and the permit stay the engine's, and the samples carry the engine ticker's
 * time, so a fake ticker drives them in tests.
 * <p>
 * The library's limits update under a monitor of their own, once per call that ends;
 * nothing blocks while it is held.
 */
public final class NetflixLimitAlgorithms implements LimitAlgorithm.Factory {

	@Override
	public LimitAlgorithm create(String bulkheadName, BulkheadConfig config) {
		return new NetflixLimit(limit(config));
	}

	private static Limit limit(BulkheadConfig config) {
		return switch (config.getAlgorithm()) {
			case GRADIENT2 -> Gradient2Limit.newBuilder()
				.initialLimit(config.getInitialLimit())
				.minLimit(config.getMinLimit())
				.maxConcurrency(config.getMaxLimit())
				.build();
			case VEGAS -> VegasLimit.newBuilder()
				.initialLimit(config.getInitialLimit())
				.maxConcurrency(config.getMaxLimit())
				.build();
			case AIMD -> AIMDLimit.newBuilder()
				.initialLimit(config.getInitialLimit())
				.minLimit(config.getMinLimit())
				.maxLimit(config.getMaxLimit())
				.build();
		};
	}

	/** One of the library's limits seen through the engine's SPI. */
	private static final class NetflixLimit implements LimitAlgorithm {

		private final Limit limit;

		NetflixLimit(Limit limit) {
			this.limit = limit;
		}

		@Override
		public int getLimit() {
			return this.limit.getLimit();
		}

		@Override
		public void onSample(long startNanos, long rttNanos, int inFlight, boolean dropped) {
			this.limit.onSample(startNanos, rttNanos, inFlight, dropped);
		}

		@Override
		public String toString() {
			return this.limit.toString();
		}

	}

}
