package dev.resilience.bulkhead;

import java.time.Duration;

import dev.resilience.InvalidConfigurationException;

import static dev.resilience.InvalidConfigurationException.related;
import static dev.resilience.internal.Requirements.requireAtLeast;
import static dev.resilience.internal.Requirements.requireNonNegative;
import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * Immutable configuration of a bulkhead. Built with {@link #custom()}; the defaults are
 * those of {@code resilience.bulkhead.defaults}. The thread-pool settings apply only when
 * {@link #getType()} is {@link Type#THREAD_POOL}.
 */
public final class BulkheadConfig {

	public static final Type DEFAULT_TYPE = Type.SEMAPHORE;

	public static final int DEFAULT_MAX_CONCURRENT_CALLS = 25;

	public static final Duration DEFAULT_MAX_WAIT_DURATION = Duration.ZERO;

	public static final int DEFAULT_CORE_SIZE = 4;

	public static final int DEFAULT_MAX_SIZE = 8;

	public static final int DEFAULT_QUEUE_CAPACITY = 100;

	public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(20);

	public static final Algorithm DEFAULT_ALGORITHM = Algorithm.GRADIENT2;

	public static final int DEFAULT_MIN_LIMIT = 4;

	public static final int DEFAULT_MAX_LIMIT = 200;

	public static final int DEFAULT_INITIAL_LIMIT = 20;

	private static final BulkheadConfig DEFAULTS = custom().build();

	private final Type type;

	private final int maxConcurrentCalls;

	private final Duration maxWaitDuration;

	private final int coreSize;

	private final int maxSize;

	private final int queueCapacity;

	private final Duration keepAlive;

	private final Algorithm algorithm;

	private final int minLimit;

	private final int maxLimit;

	private final int initialLimit;

	private BulkheadConfig(Builder builder) {
		this.type = builder.type;
		this.maxConcurrentCalls = builder.maxConcurrentCalls;
		this.maxWaitDuration = builder.maxWaitDuration;
		this.coreSize = builder.coreSize;
		this.maxSize = builder.maxSize;
		this.queueCapacity = builder.queueCapacity;
		this.keepAlive = builder.keepAlive;
		this.algorithm = builder.algorithm;
		this.minLimit = builder.minLimit;
		this.maxLimit = builder.maxLimit;
		this.initialLimit = builder.initialLimit;
	}

	public static BulkheadConfig ofDefaults() {
		return DEFAULTS;
	}

	public static Builder custom() {
		return new Builder();
	}

	public Builder toBuilder() {
		return new Builder().type(this.type)
			.maxConcurrentCalls(this.maxConcurrentCalls)
			.maxWaitDuration(this.maxWaitDuration)
			.coreSize(this.coreSize)
			.maxSize(this.maxSize)
			.queueCapacity(this.queueCapacity)
			.keepAlive(this.keepAlive)
			.algorithm(this.algorithm)
			.minLimit(this.minLimit)
			.maxLimit(this.maxLimit)
			.initialLimit(this.initialLimit);
	}

	public Type getType() {
		return this.type;
	}

	/** Calls allowed in flight at once (semaphore type). */
	public int getMaxConcurrentCalls() {
		return this.maxConcurrentCalls;
	}

	/**
	 * How long a call over the limit waits for a permit before it is refused (semaphore
	 * type).
	 */
	public Duration getMaxWaitDuration() {
		return this.maxWaitDuration;
	}

	public int getCoreSize() {
		return this.coreSize;
	}

	public int getMaxSize() {
		return this.maxSize;
	}

	public int getQueueCapacity() {
		return this.queueCapacity;
	}

	public Duration getKeepAlive() {
		return this.keepAlive;
	}

	/** Algorithm that moves an adaptive bulkhead's limit (adaptive type). */
	public Algorithm getAlgorithm() {
		return this.algorithm;
	}

	/** Lowest limit an adaptive bulkhead ever applies (adaptive type). */
	public int getMinLimit() {
		return this.minLimit;
	}

	/** Highest limit an adaptive bulkhead ever applies (adaptive type). */
	public int getMaxLimit() {
		return this.maxLimit;
	}

	/**
	 * Limit an adaptive bulkhead starts with, before any call has ended (adaptive type).
	 */
	public int getInitialLimit() {
		return this.initialLimit;
	}

	@Override
	public String toString() {
		return "BulkheadConfig[type=" + this.type + ", maxConcurrentCalls=" + this.maxConcurrentCalls
				+ ", maxWaitDuration=" + this.maxWaitDuration + ", coreSize=" + this.coreSize + ", maxSize="
				+ this.maxSize + ", queueCapacity=" + this.queueCapacity + ", keepAlive=" + this.keepAlive
				+ ", algorithm=" + this.algorithm + ", minLimit=" + this.minLimit + ", maxLimit=" + this.maxLimit
				+ ", initialLimit=" + this.initialLimit + "]";
	}

	/** Kinds of bulkhead. */
	public enum Type {

		/** Limits concurrent callers on their own threads. */
		SEMAPHORE,

		/**
		 * Runs calls on a bounded pool with a bounded queue; for {@code CompletionStage}
		 * methods only.
		 */
		THREAD_POOL,

		/**
		 * Limits concurrent callers like {@link #SEMAPHORE}, with a limit that a
		 * {@link LimitAlgorithm} moves between {@link BulkheadConfig#getMinLimit()} and
		 * {@link BulkheadConfig#getMaxLimit()} from the latency and failures of the calls
		 * that end.
		 */
		ADAPTIVE

	}

	/**
	 * Algorithms that move an adaptive bulkhead's limit. The engine names them; a
	 * {@link LimitAlgorithm.Factory} implements them.
	 */
	public enum Algorithm {

		/**
		 * Compares a short-term to a long-term average of latency and shrinks the limit
		 * as the short one rises above the long one; tolerates latency that drifts
		 * slowly.
		 */
		GRADIENT2,

		/**
		 * Estimates the queue from the latency over the lowest latency seen and keeps it
		 * between two small bounds; also shrinks on failures.
		 */
		VEGAS,

		/**
		 * Adds one while calls succeed and the limit is in use, multiplies by a ratio
		 * below one on a failure (or a call slower than the algorithm's timeout).
		 */
		AIMD

	}

	/** Builder; each setter validates its argument. */
	public static final class Builder {

		private Type type = DEFAULT_TYPE;

		private int maxConcurrentCalls = DEFAULT_MAX_CONCURRENT_CALLS;

		private Duration maxWaitDuration = DEFAULT_MAX_WAIT_DURATION;

		private int coreSize = DEFAULT_CORE_SIZE;

		private int maxSize = DEFAULT_MAX_SIZE;

		private int queueCapacity = DEFAULT_QUEUE_CAPACITY;

		private Duration keepAlive = DEFAULT_KEEP_ALIVE;

		private Algorithm algorithm = DEFAULT_ALGORITHM;

		private int minLimit = DEFAULT_MIN_LIMIT;

		private int maxLimit = DEFAULT_MAX_LIMIT;

		private int initialLimit = DEFAULT_INITIAL_LIMIT;

		private Builder() {
		}

		public Builder type(Type type) {
			this.type = requireNonNull(type, "type");
			return this;
		}

		public Builder maxConcurrentCalls(int maxConcurrentCalls) {
			this.maxConcurrentCalls = requireAtLeast(maxConcurrentCalls, 1, "maxConcurrentCalls");
			return this;
		}

		public Builder maxWaitDuration(Duration maxWaitDuration) {
			this.maxWaitDuration = requireNonNegative(maxWaitDuration, "maxWaitDuration");
			return this;
		}

		public Builder coreSize(int coreSize) {
			this.coreSize = requireAtLeast(coreSize, 1, "coreSize");
			return this;
		}

		public Builder maxSize(int maxSize) {
			this.maxSize = requireAtLeast(maxSize, 1, "maxSize");
			return this;
		}

		public Builder queueCapacity(int queueCapacity) {
			this.queueCapacity = requireAtLeast(queueCapacity, 0, "queueCapacity");
			return this;
		}

		public Builder keepAlive(Duration keepAlive) {
			this.keepAlive = requireNonNegative(keepAlive, "keepAlive");
			return this;
		}

		public Builder algorithm(Algorithm algorithm) {
			this.algorithm = requireNonNull(algorithm, "algorithm");
			return this;
		}

		public Builder minLimit(int minLimit) {
			this.minLimit = requireAtLeast(minLimit, 1, "minLimit");
			return this;
		}

		public Builder maxLimit(int maxLimit) {
			this.maxLimit = requireAtLeast(maxLimit, 1, "maxLimit");
			return this;
		}

		public Builder initialLimit(int initialLimit) {
			this.initialLimit = requireAtLeast(initialLimit, 1, "initialLimit");
			return this;
		}

		/**
		 * @throws InvalidConfigurationException if the thread pool's max size is below
		 * its core size, if the adaptive min limit is above its max limit, or if the
		 * initial limit is outside them
		 */
		public BulkheadConfig build() {
			if (this.minLimit > this.maxLimit) {
				throw new InvalidConfigurationException("minLimit", this.minLimit, "must not be larger than {maxLimit}",
						related("maxLimit", this.maxLimit))
					.withConverse("maxLimit", "must not be smaller than {minLimit}");
			}
			if (this.initialLimit < this.minLimit) {
				throw new InvalidConfigurationException("initialLimit", this.initialLimit,
						"must not be smaller than {minLimit}", related("minLimit", this.minLimit))
					.withConverse("minLimit", "must not be larger than {initialLimit}");
			}
			if (this.initialLimit > this.maxLimit) {
				throw new InvalidConfigurationException("initialLimit", this.initialLimit,
						"must not be larger than {maxLimit}", related("maxLimit", this.maxLimit))
					.withConverse("maxLimit", "must not be smaller than {initialLimit}");
			}
			if (this.maxSize < this.coreSize) {
				throw new InvalidConfigurationException("maxSize", this.maxSize, "must not be smaller than {coreSize}",
						related("coreSize", this.coreSize))
					.withConverse("coreSize", "must not be larger than {maxSize}");
			}
			return new BulkheadConfig(this);
		}

	}

}
