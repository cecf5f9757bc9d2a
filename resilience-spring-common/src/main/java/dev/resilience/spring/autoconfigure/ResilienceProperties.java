package dev.resilience.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.retry.RetryConfig;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the resilience starter, bound from {@code resilience.*}.
 * <p>
 * Each pattern has a {@code defaults} group, applied to every instance, and an
 * {@code instances.<name>} map whose entries override single keys: an unset key of an instance
 * (a {@code null} field here) inherits the value of {@code defaults}. Unknown keys fail binding,
 * so a typo or a key placed without its {@code instances:} or {@code defaults:} level stops the
 * application at startup. Ranges are checked by {@link ResilienceConfigurations}, which turns
 * these properties into the engine's immutable configurations.
 * <p>
 * Mutable and not thread-safe, as every {@code @ConfigurationProperties} bean: read it after
 * binding, not while it is being bound.
 */
@ConfigurationProperties(prefix = "resilience", ignoreUnknownFields = false)
public class ResilienceProperties {

	private final CircuitBreaker circuitBreaker = new CircuitBreaker();

	private final Retry retry = new Retry();

	private final Bulkhead bulkhead = new Bulkhead();

	private final Idempotency idempotency = new Idempotency();

	private final Health health = new Health();

	private final Actuator actuator = new Actuator();

	public CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Bulkhead getBulkhead() {
		return this.bulkhead;
	}

	public Idempotency getIdempotency() {
		return this.idempotency;
	}

	public Health getHealth() {
		return this.health;
	}

	public Actuator getActuator() {
		return this.actuator;
	}

	/** Circuit breakers: {@code defaults} and per-instance overrides. */
	public static class CircuitBreaker {

		/**
		 * Settings applied to every circuit breaker unless its instance overrides them.
		 */
		private final Defaults defaults = new Defaults();

		/**
		 * Per-instance overrides, keyed by the name given to @CircuitBreaker. Unset keys inherit
		 * from defaults.
		 */
		private final Map<String, Instance> instances = new LinkedHashMap<>();

		public Defaults getDefaults() {
			return this.defaults;
		}

		public Map<String, Instance> getInstances() {
			return this.instances;
		}

		/** Circuit breaker settings shared by every instance. */
		public static class Defaults {

			/**
			 * Kind of sliding window over which the failure and slow-call rates are computed.
			 */
			private CircuitBreakerConfig.SlidingWindowType slidingWindowType = CircuitBreakerConfig.SlidingWindowType.COUNT_BASED;

			/**
			 * Size of the sliding window: a number of calls when count-based, a number of
			 * seconds (at most 3600) when time-based.
			 */
			private int slidingWindowSize = 100;

			/**
			 * Minimum number of calls in the window before the failure and slow-call rates can
			 * open the breaker. At most the window size when count-based.
			 */
			private int minimumNumberOfCalls = 20;

			/**
			 * Failure rate, in percent, at or above which the breaker opens. In (0, 100].
			 */
			private float failureRateThreshold = 50;

			/**
			 * Number of failures in a row that open the breaker regardless of the rates. 0
			 * turns this off.
			 */
			private int consecutiveFailureThreshold = 0;

			/**
			 * Duration above which a call counts as slow.
			 */
			private Duration slowCallDurationThreshold = Duration.ofSeconds(60);

			/**
			 * Slow-call rate, in percent, at or above which the breaker opens. In (0, 100]; 100
			 * means slow calls alone open it only when every call is slow.
			 */
			private float slowCallRateThreshold = 100;

			/**
			 * Time the breaker stays open before it lets trial calls through.
			 */
			private Duration waitDurationInOpenState = Duration.ofSeconds(60);

			/**
			 * Number of trial calls let through in the half-open state; further concurrent calls
			 * are refused.
			 */
			private int permittedNumberOfCallsInHalfOpenState = 10;

			/**
			 * Time a half-open breaker waits for its trial calls before it reopens. Zero waits for
			 * them however long they take.
			 */
			private Duration maxWaitDurationInHalfOpenState = Duration.ofSeconds(0);

			/**
			 * Exception classes (and their subclasses) recorded as failures. Empty means every
			 * exception not ignored counts as a failure.
			 */
			private List<Class<? extends Throwable>> recordExceptions = new ArrayList<>();

			/**
			 * Exception classes (and their subclasses) that count as neither success nor failure.
			 * Wins over record-exceptions.
			 */
			private List<Class<? extends Throwable>> ignoreExceptions = new ArrayList<>();

			public CircuitBreakerConfig.SlidingWindowType getSlidingWindowType() {
				return this.slidingWindowType;
			}

			public void setSlidingWindowType(CircuitBreakerConfig.SlidingWindowType slidingWindowType) {
				this.slidingWindowType = slidingWindowType;
			}

			public int getSlidingWindowSize() {
				return this.slidingWindowSize;
			}

			public void setSlidingWindowSize(int slidingWindowSize) {
				this.slidingWindowSize = slidingWindowSize;
			}

			public int getMinimumNumberOfCalls() {
				return this.minimumNumberOfCalls;
			}

			public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
				this.minimumNumberOfCalls = minimumNumberOfCalls;
			}

			public float getFailureRateThreshold() {
				return this.failureRateThreshold;
			}

			public void setFailureRateThreshold(float failureRateThreshold) {
				this.failureRateThreshold = failureRateThreshold;
			}

			public int getConsecutiveFailureThreshold() {
				return this.consecutiveFailureThreshold;
			}

			public void setConsecutiveFailureThreshold(int consecutiveFailureThreshold) {
				this.consecutiveFailureThreshold = consecutiveFailureThreshold;
			}

			public Duration getSlowCallDurationThreshold() {
				return this.slowCallDurationThreshold;
			}

			public void setSlowCallDurationThreshold(Duration slowCallDurationThreshold) {
				this.slowCallDurationThreshold = slowCallDurationThreshold;
			}

			public float getSlowCallRateThreshold() {
				return this.slowCallRateThreshold;
			}

			public void setSlowCallRateThreshold(float slowCallRateThreshold) {
				this.slowCallRateThreshold = slowCallRateThreshold;
			}

			public Duration getWaitDurationInOpenState() {
				return this.waitDurationInOpenState;
			}

			public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
				this.waitDurationInOpenState = waitDurationInOpenState;
			}

			public int getPermittedNumberOfCallsInHalfOpenState() {
				return this.permittedNumberOfCallsInHalfOpenState;
			}

			public void setPermittedNumberOfCallsInHalfOpenState(int permittedNumberOfCallsInHalfOpenState) {
				this.permittedNumberOfCallsInHalfOpenState = permittedNumberOfCallsInHalfOpenState;
			}

			public Duration getMaxWaitDurationInHalfOpenState() {
				return this.maxWaitDurationInHalfOpenState;
			}

			public void setMaxWaitDurationInHalfOpenState(Duration maxWaitDurationInHalfOpenState) {
				this.maxWaitDurationInHalfOpenState = maxWaitDurationInHalfOpenState;
			}

			public List<Class<? extends Throwable>> getRecordExceptions() {
				return this.recordExceptions;
			}

			public void setRecordExceptions(List<Class<? extends Throwable>> recordExceptions) {
				this.recordExceptions = recordExceptions;
			}

			public List<Class<? extends Throwable>> getIgnoreExceptions() {
				return this.ignoreExceptions;
			}

			public void setIgnoreExceptions(List<Class<? extends Throwable>> ignoreExceptions) {
				this.ignoreExceptions = ignoreExceptions;
			}

		}

		/** Circuit breaker settings of one instance; a {@code null} key inherits from defaults. */
		public static class Instance {

			/**
			 * Kind of sliding window over which the failure and slow-call rates are computed.
			 */
			private CircuitBreakerConfig.SlidingWindowType slidingWindowType;

			/**
			 * Size of the sliding window: a number of calls when count-based, a number of
			 * seconds (at most 3600) when time-based.
			 */
			private Integer slidingWindowSize;

			/**
			 * Minimum number of calls in the window before the failure and slow-call rates can
			 * open the breaker.
			 */
			private Integer minimumNumberOfCalls;

			/**
			 * Failure rate, in percent, at or above which the breaker opens. In (0, 100].
			 */
			private Float failureRateThreshold;

			/**
			 * Number of failures in a row that open the breaker regardless of the rates. 0
			 * turns this off.
			 */
			private Integer consecutiveFailureThreshold;

			/**
			 * Duration above which a call counts as slow.
			 */
			private Duration slowCallDurationThreshold;

			/**
			 * Slow-call rate, in percent, at or above which the breaker opens. In (0, 100].
			 */
			private Float slowCallRateThreshold;

			/**
			 * Time the breaker stays open before it lets trial calls through.
			 */
			private Duration waitDurationInOpenState;

			/**
			 * Number of trial calls let through in the half-open state.
			 */
			private Integer permittedNumberOfCallsInHalfOpenState;

			/**
			 * Time a half-open breaker waits for its trial calls before it reopens. Zero waits for
			 * them however long they take.
			 */
			private Duration maxWaitDurationInHalfOpenState;

			/**
			 * Exception classes (and their subclasses) recorded as failures; replaces the
			 * defaults' list when set.
			 */
			private List<Class<? extends Throwable>> recordExceptions;

			/**
			 * Exception classes (and their subclasses) that count as neither success nor failure;
			 * replaces the defaults' list when set.
			 */
			private List<Class<? extends Throwable>> ignoreExceptions;

			public CircuitBreakerConfig.SlidingWindowType getSlidingWindowType() {
				return this.slidingWindowType;
			}

			public void setSlidingWindowType(CircuitBreakerConfig.SlidingWindowType slidingWindowType) {
				this.slidingWindowType = slidingWindowType;
			}

			public Integer getSlidingWindowSize() {
				return this.slidingWindowSize;
			}

			public void setSlidingWindowSize(Integer slidingWindowSize) {
				this.slidingWindowSize = slidingWindowSize;
			}

			public Integer getMinimumNumberOfCalls() {
				return this.minimumNumberOfCalls;
			}

			public void setMinimumNumberOfCalls(Integer minimumNumberOfCalls) {
				this.minimumNumberOfCalls = minimumNumberOfCalls;
			}

			public Float getFailureRateThreshold() {
				return this.failureRateThreshold;
			}

			public void setFailureRateThreshold(Float failureRateThreshold) {
				this.failureRateThreshold = failureRateThreshold;
			}

			public Integer getConsecutiveFailureThreshold() {
				return this.consecutiveFailureThreshold;
			}

			public void setConsecutiveFailureThreshold(Integer consecutiveFailureThreshold) {
				this.consecutiveFailureThreshold = consecutiveFailureThreshold;
			}

			public Duration getSlowCallDurationThreshold() {
				return this.slowCallDurationThreshold;
			}

			public void setSlowCallDurationThreshold(Duration slowCallDurationThreshold) {
				this.slowCallDurationThreshold = slowCallDurationThreshold;
			}

			public Float getSlowCallRateThreshold() {
				return this.slowCallRateThreshold;
			}

			public void setSlowCallRateThreshold(Float slowCallRateThreshold) {
				this.slowCallRateThreshold = slowCallRateThreshold;
			}

			public Duration getWaitDurationInOpenState() {
				return this.waitDurationInOpenState;
			}

			public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
				this.waitDurationInOpenState = waitDurationInOpenState;
			}

			public Integer getPermittedNumberOfCallsInHalfOpenState() {
				return this.permittedNumberOfCallsInHalfOpenState;
			}

			public void setPermittedNumberOfCallsInHalfOpenState(Integer permittedNumberOfCallsInHalfOpenState) {
				this.permittedNumberOfCallsInHalfOpenState = permittedNumberOfCallsInHalfOpenState;
			}

			public Duration getMaxWaitDurationInHalfOpenState() {
				return this.maxWaitDurationInHalfOpenState;
			}

			public void setMaxWaitDurationInHalfOpenState(Duration maxWaitDurationInHalfOpenState) {
				this.maxWaitDurationInHalfOpenState = maxWaitDurationInHalfOpenState;
			}

			public List<Class<? extends Throwable>> getRecordExceptions() {
				return this.recordExceptions;
			}

			public void setRecordExceptions(List<Class<? extends Throwable>> recordExceptions) {
				this.recordExceptions = recordExceptions;
			}

			public List<Class<? extends Throwable>> getIgnoreExceptions() {
				return this.ignoreExceptions;
			}

			public void setIgnoreExceptions(List<Class<? extends Throwable>> ignoreExceptions) {
				this.ignoreExceptions = ignoreExceptions;
			}

		}

	}

	/** Retries: {@code defaults} and per-instance overrides. */
	public static class Retry {

		/**
		 * Settings applied to every retry unless its instance overrides them.
		 */
		private final Defaults defaults = new Defaults();

		/**
		 * Per-instance overrides, keyed by the name given to @Retry. Unset keys inherit from
		 * defaults.
		 */
		private final Map<String, Instance> instances = new LinkedHashMap<>();

		public Defaults getDefaults() {
			return this.defaults;
		}

		public Map<String, Instance> getInstances() {
			return this.instances;
		}

		/** Retry settings shared by every instance. */
		public static class Defaults {

			/**
			 * Maximum number of attempts, the first call included. At least 1; 1 means no
			 * retry.
			 */
			private int maxAttempts = 3;

			/**
			 * Wait before the first retry; later waits grow according to the backoff.
			 */
			private Duration waitDuration = Duration.ofMillis(200);

			/**
			 * How the wait grows from one retry to the next.
			 */
			private RetryConfig.Backoff backoff = RetryConfig.Backoff.EXPONENTIAL;

			/**
			 * Growth factor of exponential backoff. At least 1.0.
			 */
			private double multiplier = 2.0;

			/**
			 * Cap on any single wait between attempts. Not shorter than wait-duration.
			 */
			private Duration maxWaitDuration = Duration.ofSeconds(10);

			/**
			 * Randomisation applied to each wait, spreading retries of concurrent callers.
			 */
			private RetryConfig.Jitter jitter = RetryConfig.Jitter.FULL;

			/**
			 * Exception classes (and their subclasses) that are retried. Empty means every
			 * exception not ignored is retried.
			 */
			private List<Class<? extends Throwable>> retryExceptions = new ArrayList<>();

			/**
			 * Exception classes (and their subclasses) that are never retried. Wins over
			 * retry-exceptions.
			 */
			private List<Class<? extends Throwable>> ignoreExceptions = new ArrayList<>();

			/**
			 * Retry budget, capping retries to a share of recent calls.
			 */
			private final Budget budget = new Budget();

			public int getMaxAttempts() {
				return this.maxAttempts;
			}

			public void setMaxAttempts(int maxAttempts) {
				this.maxAttempts = maxAttempts;
			}

			public Duration getWaitDuration() {
				return this.waitDuration;
			}

			public void setWaitDuration(Duration waitDuration) {
				this.waitDuration = waitDuration;
			}

			public RetryConfig.Backoff getBackoff() {
				return this.backoff;
			}

			public void setBackoff(RetryConfig.Backoff backoff) {
				this.backoff = backoff;
			}

			public double getMultiplier() {
				return this.multiplier;
			}

			public void setMultiplier(double multiplier) {
				this.multiplier = multiplier;
			}

			public Duration getMaxWaitDuration() {
				return this.maxWaitDuration;
			}

			public void setMaxWaitDuration(Duration maxWaitDuration) {
				this.maxWaitDuration = maxWaitDuration;
			}

			public RetryConfig.Jitter getJitter() {
				return this.jitter;
			}

			public void setJitter(RetryConfig.Jitter jitter) {
				this.jitter = jitter;
			}

			public List<Class<? extends Throwable>> getRetryExceptions() {
				return this.retryExceptions;
			}

			public void setRetryExceptions(List<Class<? extends Throwable>> retryExceptions) {
				this.retryExceptions = retryExceptions;
			}

			public List<Class<? extends Throwable>> getIgnoreExceptions() {
				return this.ignoreExceptions;
			}

			public void setIgnoreExceptions(List<Class<? extends Throwable>> ignoreExceptions) {
				this.ignoreExceptions = ignoreExceptions;
			}

			public Budget getBudget() {
				return this.budget;
			}

			/** Retry budget shared by every instance. */
			public static class Budget {

				/**
				 * Whether retries are capped to a share of recent calls.
				 */
				private boolean enabled = true;

				/**
				 * Share of recent calls that retries may add as extra load. In (0, 1].
				 */
				private double ratio = 0.2;

				/**
				 * Retries per second always allowed, whatever the ratio. At least 0.
				 */
				private int minRetriesPerSecond = 10;

				/**
				 * How far back recent calls are counted. At least 1s.
				 */
				private Duration window = Duration.ofSeconds(10);

				public boolean isEnabled() {
					return this.enabled;
				}

				public void setEnabled(boolean enabled) {
					this.enabled = enabled;
				}

				public double getRatio() {
					return this.ratio;
				}

				public void setRatio(double ratio) {
					this.ratio = ratio;
				}

				public int getMinRetriesPerSecond() {
					return this.minRetriesPerSecond;
				}

				public void setMinRetriesPerSecond(int minRetriesPerSecond) {
					this.minRetriesPerSecond = minRetriesPerSecond;
				}

				public Duration getWindow() {
					return this.window;
				}

				public void setWindow(Duration window) {
					this.window = window;
				}

			}

		}

		/** Retry settings of one instance; a {@code null} key inherits from defaults. */
		public static class Instance {

			/**
			 * Maximum number of attempts, the first call included. At least 1.
			 */
			private Integer maxAttempts;

			/**
			 * Wait before the first retry.
			 */
			private Duration waitDuration;

			/**
			 * How the wait grows from one retry to the next.
			 */
			private RetryConfig.Backoff backoff;

			/**
			 * Growth factor of exponential backoff. At least 1.0.
			 */
			private Double multiplier;

			/**
			 * Cap on any single wait between attempts.
			 */
			private Duration maxWaitDuration;

			/**
			 * Randomisation applied to each wait.
			 */
			private RetryConfig.Jitter jitter;

			/**
			 * Exception classes (and their subclasses) that are retried; replaces the defaults'
			 * list when set.
			 */
			private List<Class<? extends Throwable>> retryExceptions;

			/**
			 * Exception classes (and their subclasses) that are never retried; replaces the
			 * defaults' list when set.
			 */
			private List<Class<? extends Throwable>> ignoreExceptions;

			/**
			 * Retry budget of this instance; unset keys inherit from defaults.
			 */
			private final Budget budget = new Budget();

			public Integer getMaxAttempts() {
				return this.maxAttempts;
			}

			public void setMaxAttempts(Integer maxAttempts) {
				this.maxAttempts = maxAttempts;
			}

			public Duration getWaitDuration() {
				return this.waitDuration;
			}

			public void setWaitDuration(Duration waitDuration) {
				this.waitDuration = waitDuration;
			}

			public RetryConfig.Backoff getBackoff() {
				return this.backoff;
			}

			public void setBackoff(RetryConfig.Backoff backoff) {
				this.backoff = backoff;
			}

			public Double getMultiplier() {
				return this.multiplier;
			}

			public void setMultiplier(Double multiplier) {
				this.multiplier = multiplier;
			}

			public Duration getMaxWaitDuration() {
				return this.maxWaitDuration;
			}

			public void setMaxWaitDuration(Duration maxWaitDuration) {
				this.maxWaitDuration = maxWaitDuration;
			}

			public RetryConfig.Jitter getJitter() {
				return this.jitter;
			}

			public void setJitter(RetryConfig.Jitter jitter) {
				this.jitter = jitter;
			}

			public List<Class<? extends Throwable>> getRetryExceptions() {
				return this.retryExceptions;
			}

			public void setRetryExceptions(List<Class<? extends Throwable>> retryExceptions) {
				this.retryExceptions = retryExceptions;
			}

			public List<Class<? extends Throwable>> getIgnoreExceptions() {
				return this.ignoreExceptions;
			}

			public void setIgnoreExceptions(List<Class<? extends Throwable>> ignoreExceptions) {
				this.ignoreExceptions = ignoreExceptions;
			}

			public Budget getBudget() {
				return this.budget;
			}

			/** Retry budget of one instance; a {@code null} key inherits from defaults. */
			public static class Budget {

				/**
				 * Whether retries are capped to a share of recent calls.
				 */
				private Boolean enabled;

				/**
				 * Share of recent calls that retries may add as extra load. In (0, 1].
				 */
				private Double ratio;

				/**
				 * Retries per second always allowed, whatever the ratio. At least 0.
				 */
				private Integer minRetriesPerSecond;

				/**
				 * How far back recent calls are counted. At least 1s.
				 */
				private Duration window;

				public Boolean getEnabled() {
					return this.enabled;
				}

				public void setEnabled(Boolean enabled) {
					this.enabled = enabled;
				}

				public Double getRatio() {
					return this.ratio;
				}

				public void setRatio(Double ratio) {
					this.ratio = ratio;
				}

				public Integer getMinRetriesPerSecond() {
					return this.minRetriesPerSecond;
				}

				public void setMinRetriesPerSecond(Integer minRetriesPerSecond) {
					this.minRetriesPerSecond = minRetriesPerSecond;
				}

				public Duration getWindow() {
					return this.window;
				}

				public void setWindow(Duration window) {
					this.window = window;
				}

			}

		}

	}

	/** Bulkheads: {@code defaults} and per-instance overrides. */
	public static class Bulkhead {

		/**
		 * Settings applied to every bulkhead unless its instance overrides them.
		 */
		private final Defaults defaults = new Defaults();

		/**
		 * Per-instance overrides, keyed by the name given to @Bulkhead. Unset keys inherit from
		 * defaults.
		 */
		private final Map<String, Instance> instances = new LinkedHashMap<>();

		public Defaults getDefaults() {
			return this.defaults;
		}

		public Map<String, Instance> getInstances() {
			return this.instances;
		}

		/** Bulkhead settings shared by every instance. */
		public static class Defaults {

			/**
			 * Kind of bulkhead. A thread-pool bulkhead applies to CompletionStage methods only.
			 */
			private BulkheadConfig.Type type = BulkheadConfig.Type.SEMAPHORE;

			/**
			 * Maximum number of calls in flight at once. At least 1.
			 */
			private int maxConcurrentCalls = 25;

			/**
			 * Longest time a call over the limit waits for a permit before it is refused.
			 */
			private Duration maxWaitDuration = Duration.ofMillis(0);

			/**
			 * Thread pool used by a thread-pool bulkhead.
			 */
			private final ThreadPool threadPool = new ThreadPool();

			public BulkheadConfig.Type getType() {
				return this.type;
			}

			public void setType(BulkheadConfig.Type type) {
				this.type = type;
			}

			public int getMaxConcurrentCalls() {
				return this.maxConcurrentCalls;
			}

			public void setMaxConcurrentCalls(int maxConcurrentCalls) {
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

			/** Thread pool shared by every thread-pool bulkhead instance's defaults. */
			public static class ThreadPool {

				/**
				 * Number of threads kept in the pool. At least 1.
				 */
				private int coreSize = 4;

				/**
				 * Maximum number of calls in flight at once, each counted until the stage it returned completes, and of threads in the pool. Not smaller than core-size.
				 */
				private int maxSize = 8;

				/**
				 * Number of calls that may wait for a call in flight to end. At least 0.
				 */
				private int queueCapacity = 100;

				/**
				 * Time an idle thread above core-size is kept before it ends.
				 */
				private Duration keepAlive = Duration.ofSeconds(20);

				public int getCoreSize() {
					return this.coreSize;
				}

				public void setCoreSize(int coreSize) {
					this.coreSize = coreSize;
				}

				public int getMaxSize() {
					return this.maxSize;
				}

				public void setMaxSize(int maxSize) {
					this.maxSize = maxSize;
				}

				public int getQueueCapacity() {
					return this.queueCapacity;
				}

				public void setQueueCapacity(int queueCapacity) {
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

		/** Bulkhead settings of one instance; a {@code null} key inherits from defaults. */
		public static class Instance {

			/**
			 * Kind of bulkhead. A thread-pool bulkhead applies to CompletionStage methods only.
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
			 * Thread pool of this instance; unset keys inherit from defaults.
			 */
			private final ThreadPool threadPool = new ThreadPool();

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

			/** Thread pool of one instance; a {@code null} key inherits from defaults. */
			public static class ThreadPool {

				/**
				 * Number of threads kept in the pool. At least 1.
				 */
				private Integer coreSize;

				/**
				 * Maximum number of calls in flight at once, each counted until the stage it returned completes, and of threads in the pool. Not smaller than core-size.
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

	}

	/** Idempotency: the store, key namespacing, {@code defaults} and per-instance overrides. */
	public static class Idempotency {

		/**
		 * Store holding idempotency records. Use redis or jdbc to share records between
		 * application instances.
		 */
		private StoreType store = StoreType.MEMORY;

		/**
		 * Prefix of every record id, separating this application's records from others in a
		 * shared store.
		 */
		private String keyPrefix = "resilience:idem";

		/**
		 * Maximum length of an idempotency key; longer keys are refused. At least 1.
		 */
		private int maxKeyLength = 255;

		/**
		 * Namespace of keys: per authenticated principal, or one namespace for everyone.
		 */
		private Scope scope = Scope.PRINCIPAL;

		/**
		 * Settings applied to every idempotent method unless its instance overrides them.
		 */
		private final Defaults defaults = new Defaults();

		/**
		 * Per-instance overrides, keyed by the name given to @Idempotent or by its default
		 * SimpleClassName.method, which needs brackets: [PaymentService.charge].
		 */
		private final Map<String, Instance> instances = new LinkedHashMap<>();

		/**
		 * In-memory store settings.
		 */
		private final Memory memory = new Memory();

		/**
		 * JDBC store settings.
		 */
		private final Jdbc jdbc = new Jdbc();

		public StoreType getStore() {
			return this.store;
		}

		public void setStore(StoreType store) {
			this.store = store;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public int getMaxKeyLength() {
			return this.maxKeyLength;
		}

		public void setMaxKeyLength(int maxKeyLength) {
			this.maxKeyLength = maxKeyLength;
		}

		public Scope getScope() {
			return this.scope;
		}

		public void setScope(Scope scope) {
			this.scope = scope;
		}

		public Defaults getDefaults() {
			return this.defaults;
		}

		public Map<String, Instance> getInstances() {
			return this.instances;
		}

		public Memory getMemory() {
			return this.memory;
		}

		public Jdbc getJdbc() {
			return this.jdbc;
		}

		/** Idempotency settings shared by every instance. */
		public static class Defaults {

			/**
			 * Time a completed result is kept and replayed.
			 */
			private Duration ttl = Duration.ofHours(24);

			/**
			 * Lease of an unfinished claim; after it another caller may take the claim over.
			 */
			private Duration inProgressTimeout = Duration.ofSeconds(60);

			/**
			 * What a repeat does while the first call with its key is still running.
			 */
			private IdempotencyConfig.OnInProgress onInProgress = IdempotencyConfig.OnInProgress.REJECT;

			/**
			 * Longest time a repeat waits for the running call's result when on-in-progress is
			 * wait.
			 */
			private Duration inProgressWait = Duration.ofSeconds(5);

			/**
			 * Whether a degraded answer produced by @Fallback is stored and replayed like any
			 * result; when false it is returned and its claim released, so the next call with the
			 * key runs the method again.
			 */
			private boolean storeFallbackResults = false;

			public Duration getTtl() {
				return this.ttl;
			}

			public void setTtl(Duration ttl) {
				this.ttl = ttl;
			}

			public Duration getInProgressTimeout() {
				return this.inProgressTimeout;
			}

			public void setInProgressTimeout(Duration inProgressTimeout) {
				this.inProgressTimeout = inProgressTimeout;
			}

			public IdempotencyConfig.OnInProgress getOnInProgress() {
				return this.onInProgress;
			}

			public void setOnInProgress(IdempotencyConfig.OnInProgress onInProgress) {
				this.onInProgress = onInProgress;
			}

			public Duration getInProgressWait() {
				return this.inProgressWait;
			}

			public void setInProgressWait(Duration inProgressWait) {
				this.inProgressWait = inProgressWait;
			}

			public boolean isStoreFallbackResults() {
				return this.storeFallbackResults;
			}

			public void setStoreFallbackResults(boolean storeFallbackResults) {
				this.storeFallbackResults = storeFallbackResults;
			}

		}

		/** Idempotency settings of one instance; a {@code null} key inherits from defaults. */
		public static class Instance {

			/**
			 * Time a completed result is kept and replayed.
			 */
			private Duration ttl;

			/**
			 * Lease of an unfinished claim; after it another caller may take the claim over.
			 */
			private Duration inProgressTimeout;

			/**
			 * What a repeat does while the first call with its key is still running.
			 */
			private IdempotencyConfig.OnInProgress onInProgress;

			/**
			 * Longest time a repeat waits for the running call's result when on-in-progress is
			 * wait.
			 */
			private Duration inProgressWait;

			/**
			 * Whether a degraded answer produced by @Fallback is stored and replayed like any
			 * result; when false it is returned and its claim released.
			 */
			private Boolean storeFallbackResults;

			public Duration getTtl() {
				return this.ttl;
			}

			public void setTtl(Duration ttl) {
				this.ttl = ttl;
			}

			public Duration getInProgressTimeout() {
				return this.inProgressTimeout;
			}

			public void setInProgressTimeout(Duration inProgressTimeout) {
				this.inProgressTimeout = inProgressTimeout;
			}

			public IdempotencyConfig.OnInProgress getOnInProgress() {
				return this.onInProgress;
			}

			public void setOnInProgress(IdempotencyConfig.OnInProgress onInProgress) {
				this.onInProgress = onInProgress;
			}

			public Duration getInProgressWait() {
				return this.inProgressWait;
			}

			public void setInProgressWait(Duration inProgressWait) {
				this.inProgressWait = inProgressWait;
			}

			public Boolean getStoreFallbackResults() {
				return this.storeFallbackResults;
			}

			public void setStoreFallbackResults(Boolean storeFallbackResults) {
				this.storeFallbackResults = storeFallbackResults;
			}

		}

		/** In-memory store settings. */
		public static class Memory {

			/**
			 * Maximum number of completed records kept; beyond it the soonest to expire (with one
			 * ttl, the oldest) are evicted and their keys could run again. Claims in progress are
			 * not counted and never evicted. At least 1.
			 */
			private long maximumSize = 100000;

			/**
			 * Maximum memory held by completed records, counted as each stored result's bytes plus
			 * 512 bytes per record; beyond it the soonest to expire are evicted. A result larger
			 * than the whole bound is not kept. At least 512B.
			 */
			private DataSize maximumMemory = DataSize.ofMegabytes(64);

			public long getMaximumSize() {
				return this.maximumSize;
			}

			public void setMaximumSize(long maximumSize) {
				this.maximumSize = maximumSize;
			}

			public DataSize getMaximumMemory() {
				return this.maximumMemory;
			}

			public void setMaximumMemory(DataSize maximumMemory) {
				this.maximumMemory = maximumMemory;
			}

		}

		/** JDBC store settings. */
		public static class Jdbc {

			/**
			 * Name of the table holding idempotency records, optionally qualified by a schema.
			 */
			private String tableName = "resilience_idempotency";

			/**
			 * When to create the table on startup from the shipped schema scripts.
			 */
			private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.EMBEDDED;

			public String getTableName() {
				return this.tableName;
			}

			public void setTableName(String tableName) {
				this.tableName = tableName;
			}

			public DatabaseInitializationMode getInitializeSchema() {
				return this.initializeSchema;
			}

			public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
				this.initializeSchema = initializeSchema;
			}

		}

		/** Stores of idempotency records. */
		public enum StoreType {

			/** In the application's memory, bounded by count and bytes; not shared between instances. */
			MEMORY,

			/** In Redis, through Spring Data Redis. */
			REDIS,

			/** In a relational database, through Spring's JdbcTemplate. */
			JDBC

		}

		/** Namespaces of idempotency keys. */
		public enum Scope {

			/** Keys of each authenticated principal are separate; unauthenticated calls share one namespace. */
			PRINCIPAL,

			/** One namespace for every caller. */
			GLOBAL

		}

	}

	/** Health contribution of the circuit breakers. */
	public static class Health {

		/**
		 * Health status reported for the circuit breakers when one is open. UP by default so
		 * that an outage downstream does not make an orchestrator restart this service.
		 */
		private CircuitOpenStatus circuitOpenStatus = CircuitOpenStatus.UP;

		public CircuitOpenStatus getCircuitOpenStatus() {
			return this.circuitOpenStatus;
		}

		public void setCircuitOpenStatus(CircuitOpenStatus circuitOpenStatus) {
			this.circuitOpenStatus = circuitOpenStatus;
		}

		/** Health statuses an open circuit breaker may report. */
		public enum CircuitOpenStatus {

			/** The application stays UP. */
			UP,

			/** The application is reported DOWN. */
			DOWN,

			/** The application is reported OUT_OF_SERVICE. */
			OUT_OF_SERVICE,

			/** A custom CIRCUIT_OPEN status; map it in management.endpoint.health.status.order. */
			CIRCUIT_OPEN

		}

	}

	/** The resilience Actuator endpoint. */
	public static class Actuator {

		/**
		 * Whether the resilience endpoint accepts requests that change a circuit breaker's
		 * state.
		 */
		private boolean stateChangesEnabled = false;

		public boolean isStateChangesEnabled() {
			return this.stateChangesEnabled;
		}

		public void setStateChangesEnabled(boolean stateChangesEnabled) {
			this.stateChangesEnabled = stateChangesEnabled;
		}

	}

}
