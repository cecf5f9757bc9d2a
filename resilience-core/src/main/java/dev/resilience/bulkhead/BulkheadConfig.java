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

	private static final BulkheadConfig DEFAULTS = custom().build();

	private final Type type;

	private final int maxConcurrentCalls;

	private final Duration maxWaitDuration;

	private final int coreSize;

	private final int maxSize;

	private final int queueCapacity;

	private final Duration keepAlive;

	private BulkheadConfig(Builder builder) {
		this.type = builder.type;
		this.maxConcurrentCalls = builder.maxConcurrentCalls;
		this.maxWaitDuration = builder.maxWaitDuration;
		this.coreSize = builder.coreSize;
		this.maxSize = builder.maxSize;
		this.queueCapacity = builder.queueCapacity;
		this.keepAlive = builder.keepAlive;
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
			.keepAlive(this.keepAlive);
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

	@Override
	public String toString() {
		return "BulkheadConfig[type=" + this.type + ", maxConcurrentCalls=" + this.maxConcurrentCalls
				+ ", maxWaitDuration=" + this.maxWaitDuration + ", coreSize=" + this.coreSize + ", maxSize="
				+ this.maxSize + ", queueCapacity=" + this.queueCapacity + ", keepAlive=" + this.keepAlive + "]";
	}

	/** Kinds of bulkhead. */
	public enum Type {

		/** Limits concurrent callers on their own threads. */
		SEMAPHORE,

		/**
		 * Runs calls on a bounded pool with a bounded queue; for {@code CompletionStage}
		 * methods only.
		 */
		THREAD_POOL

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

		/**
		 * @throws InvalidConfigurationException if the thread pool's max size is below
		 * its core size
		 */
		public BulkheadConfig build() {
			if (this.maxSize < this.coreSize) {
				throw new InvalidConfigurationException("maxSize", this.maxSize, "must not be smaller than {coreSize}",
						related("coreSize", this.coreSize))
					.withConverse("coreSize", "must not be larger than {maxSize}");
			}
			return new BulkheadConfig(this);
		}

	}

}
