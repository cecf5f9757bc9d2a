package dev.resilience.spring.autoconfigure;

import java.time.Duration;

import dev.resilience.bulkhead.BulkheadConfig;

/**
 * Settings of a bulkhead, semaphore or thread-pool, bound both from
 * {@code resilience.bulkhead.defaults} and from each
 * {@code resilience.bulkhead.instances.<name>}. A {@code null} field is a key left unset:
 * an instance then inherits the value of {@code defaults}, and {@code defaults} the
 * engine's default (documented in the configuration metadata). Ranges and the rules
 * between keys are the engine's, checked when {@link ResilienceConfigurations} builds the
 * configuration.
 * <p>
 * Mutable and not thread-safe, as every bound properties object.
 */
public class BulkheadSettings {

	/**
	 * Kind of bulkhead. A thread-pool bulkhead applies to CompletionStage methods only;
	 * an adaptive one moves its limit from the latency of the calls.
	 */
	private BulkheadConfig.Type type;

	/**
	 * Maximum number of calls in flight at once. At least 1.
	 */
	private Integer maxConcurrentCalls;

	/**
	 * Longest time a call over the limit waits for a permit before it is refused.
	 */
	private Duration maxWaitDuration;

	/**
	 * Thread pool used by a thread-pool bulkhead.
	 */
	private final ThreadPool threadPool = new ThreadPool();

	/**
	 * Algorithm that moves the limit of an adaptive bulkhead.
	 */
	private BulkheadConfig.Algorithm algorithm;

	/**
	 * Lowest limit of an adaptive bulkhead. At least 1, not larger than max-limit.
	 */
	private Integer minLimit;

	/**
	 * Highest limit of an adaptive bulkhead. At least 1.
	 */
	private Integer maxLimit;

	/**
	 * Limit an adaptive bulkhead starts with. Between min-limit and max-limit.
	 */
	private Integer initialLimit;

	public BulkheadConfig.Type getType() {
		return this.type;
	}

	public void setType(BulkheadConfig.Type type) {
		this.type = type;
	}

	public Integer getMaxConcurrentCalls() {
		return this.maxConcurrentCalls;
	}

	public void setMaxConcurrentCalls(Integer maxConcurrentCalls) {
		this.maxConcurrentCalls = maxConcurrentCalls;
	}

	public Duration getMaxWaitDuration() {
		return this.maxWaitDuration;
	}

	public void setMaxWaitDuration(Duration maxWaitDuration) {
		this.maxWaitDuration = maxWaitDuration;
	}

	public ThreadPool getThreadPool() {
		return this.threadPool;
	}

	public BulkheadConfig.Algorithm getAlgorithm() {
		return this.algorithm;
	}

	public void setAlgorithm(BulkheadConfig.Algorithm algorithm) {
		this.algorithm = algorithm;
	}

	public Integer getMinLimit() {
		return this.minLimit;
	}

	public void setMinLimit(Integer minLimit) {
		this.minLimit = minLimit;
	}

	public Integer getMaxLimit() {
		return this.maxLimit;
	}

	public void setMaxLimit(Integer maxLimit) {
		this.maxLimit = maxLimit;
	}

	public Integer getInitialLimit() {
		return this.initialLimit;
	}

	public void setInitialLimit(Integer initialLimit) {
		this.initialLimit = initialLimit;
	}

	/**
	 * Thread pool of a thread-pool bulkhead; a {@code null} key is unset and inherited
	 * like the others.
	 */
	public static class ThreadPool {

		/**
		 * Number of threads kept in the pool. At least 1.
		 */
		private Integer coreSize;

		/**
		 * Maximum number of calls in flight at once, each counted until the stage it
		 * returned completes, and of threads in the pool. Not smaller than core-size.
		 */
		private Integer maxSize;

		/**
		 * Number of calls that may wait for a call in flight to end. At least 0.
		 */
		private Integer queueCapacity;

		/**
		 * Time an idle thread above core-size is kept before it ends.
		 */
		private Duration keepAlive;

		public Integer getCoreSize() {
			return this.coreSize;
		}

		public void setCoreSize(Integer coreSize) {
			this.coreSize = coreSize;
		}

		public Integer getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(Integer maxSize) {
			this.maxSize = maxSize;
		}

		public Integer getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(Integer queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public Duration getKeepAlive() {
			return this.keepAlive;
		}

		public void setKeepAlive(Duration keepAlive) {
			this.keepAlive = keepAlive;
		}

	}

}
