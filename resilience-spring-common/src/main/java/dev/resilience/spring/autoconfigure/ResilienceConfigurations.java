package dev.resilience.spring.autoconfigure;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import dev.resilience.retry.RetryConfig;
import dev.resilience.retry.RetryConfig.BudgetConfig;

import org.springframework.util.unit.DataSize;

/**
 * The engine configurations of every named instance, built once from {@link ResilienceProperties}:
 * an instance's keys override {@code defaults} one by one, and an undeclared name gets the
 * defaults.
 * <p>
 * Everything is validated in the constructor, {@code defaults} and every declared instance, so a
 * value out of range fails application startup even if no method uses that instance. A failure is
 * an {@link InvalidResiliencePropertyException} naming the full property, the value and the
 * accepted range; the engine builders' own checks are the ones applied, this class only says which
 * property fed them.
 * <p>
 * Immutable and thread-safe once constructed.
 */
public class ResilienceConfigurations {

	private static final String CIRCUIT_BREAKER = "resilience.circuit-breaker";

	private static final String RETRY = "resilience.retry";

	private static final String BULKHEAD = "resilience.bulkhead";

	private static final String IDEMPOTENCY = "resilience.idempotency";

	private static final int MAX_TIME_BASED_WINDOW_SECONDS = 3600;

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private static final String AT_LEAST_0 = "must be at least 0";

	private static final String AT_LEAST_1 = "must be at least 1";

	private static final String PERCENT = "must be in (0, 100]";

	private static final String POSITIVE_DURATION = "must be a positive duration";

	private static final String NON_NEGATIVE_DURATION = "must not be a negative duration";

	private final CircuitBreakerConfig circuitBreakerDefaults;

	private final Map<String, CircuitBreakerConfig> circuitBreakers;

	private final RetryConfig retryDefaults;

	private final Map<String, RetryConfig> retries;

	private final BulkheadConfig bulkheadDefaults;

	private final Map<String, BulkheadConfig> bulkheads;

	private final IdempotencyConfig idempotencyDefaults;

	private final Map<String, IdempotencyConfig> idempotencies;

	/**
	 * Builds and validates every configuration.
	 * @throws InvalidResiliencePropertyException naming the first property whose value is out of
	 * range
	 */
	public ResilienceConfigurations(ResilienceProperties properties) {
		Objects.requireNonNull(properties, "properties");
		ResilienceProperties.CircuitBreaker circuitBreaker = properties.getCircuitBreaker();
		this.circuitBreakerDefaults = circuitBreaker(new Layers(CIRCUIT_BREAKER, null), circuitBreaker.getDefaults(),
				new ResilienceProperties.CircuitBreaker.Instance());
		this.circuitBreakers = build(CIRCUIT_BREAKER, circuitBreaker.getInstances(),
				(layers, instance) -> circuitBreaker(layers, circuitBreaker.getDefaults(), instance));
		ResilienceProperties.Retry retry = properties.getRetry();
		this.retryDefaults = retry(new Layers(RETRY, null), retry.getDefaults(), new ResilienceProperties.Retry.Instance());
		this.retries = build(RETRY, retry.getInstances(), (layers, instance) -> retry(layers, retry.getDefaults(), instance));
		ResilienceProperties.Bulkhead bulkhead = properties.getBulkhead();
		this.bulkheadDefaults = bulkhead(new Layers(BULKHEAD, null), bulkhead.getDefaults(),
				new ResilienceProperties.Bulkhead.Instance());
		this.bulkheads = build(BULKHEAD, bulkhead.getInstances(),
				(layers, instance) -> bulkhead(layers, bulkhead.getDefaults(), instance));
		ResilienceProperties.Idempotency idempotency = properties.getIdempotency();
		validateIdempotencyStore(idempotency);
		this.idempotencyDefaults = idempotency(new Layers(IDEMPOTENCY, null), idempotency,
				new ResilienceProperties.Idempotency.Instance());
		this.idempotencies = build(IDEMPOTENCY, idempotency.getInstances(),
				(layers, instance) -> idempotency(layers, idempotency, instance));
	}

	/** Configuration of the named circuit breaker: its instance keys over the defaults. */
	public CircuitBreakerConfig circuitBreaker(String name) {
		return this.circuitBreakers.getOrDefault(Objects.requireNonNull(name, "name"), this.circuitBreakerDefaults);
	}

	/** Configuration of the named retry: its instance keys over the defaults. */
	public RetryConfig retry(String name) {
		return this.retries.getOrDefault(Objects.requireNonNull(name, "name"), this.retryDefaults);
	}

	/** Configuration of the named bulkhead: its instance keys over the defaults. */
	public BulkheadConfig bulkhead(String name) {
		return this.bulkheads.getOrDefault(Objects.requireNonNull(name, "name"), this.bulkheadDefaults);
	}

	/** Configuration of the named idempotency instance: its instance keys over the defaults, with the global key prefix and length limit. */
	public IdempotencyConfig idempotency(String name) {
		return this.idempotencies.getOrDefault(Objects.requireNonNull(name, "name"), this.idempotencyDefaults);
	}

	/** Names under {@code resilience.circuit-breaker.instances}, in declaration order. */
	public Set<String> circuitBreakerInstanceNames() {
		return this.circuitBreakers.keySet();
	}

	/** Names under {@code resilience.retry.instances}, in declaration order. */
	public Set<String> retryInstanceNames() {
		return this.retries.keySet();
	}

	/** Names under {@code resilience.bulkhead.instances}, in declaration order. */
	public Set<String> bulkheadInstanceNames() {
		return this.bulkheads.keySet();
	}

	/** Names under {@code resilience.idempotency.instances}, in declaration order. */
	public Set<String> idempotencyInstanceNames() {
		return this.idempotencies.keySet();
	}

	private static <I, C> Map<String, C> build(String pattern, Map<String, I> instances,
			BiFunction<Layers, I, C> factory) {
		Map<String, C> built = new LinkedHashMap<>();
		instances.forEach((name, instance) -> built.put(name, factory.apply(new Layers(pattern, name), instance)));
		return Collections.unmodifiableMap(built);
	}

	private static CircuitBreakerConfig circuitBreaker(Layers layers, ResilienceProperties.CircuitBreaker.Defaults d,
			ResilienceProperties.CircuitBreaker.Instance i) {
		CircuitBreakerConfig.Builder builder = CircuitBreakerConfig.custom();
		Setting<SlidingWindowType> type = layers.get("sliding-window-type", i.getSlidingWindowType(),
				d.getSlidingWindowType());
		Setting<Integer> size = layers.get("sliding-window-size", i.getSlidingWindowSize(), d.getSlidingWindowSize());
		Setting<Integer> minimum = layers.get("minimum-number-of-calls", i.getMinimumNumberOfCalls(),
				d.getMinimumNumberOfCalls());
		type.apply("must be count-based or time-based", builder::slidingWindowType);
		size.apply(AT_LEAST_1, builder::slidingWindowSize);
		minimum.apply(AT_LEAST_1, builder::minimumNumberOfCalls);
		layers.get("failure-rate-threshold", i.getFailureRateThreshold(), d.getFailureRateThreshold())
			.apply(PERCENT, builder::failureRateThreshold);
		layers.get("consecutive-failure-threshold", i.getConsecutiveFailureThreshold(),
				d.getConsecutiveFailureThreshold())
			.apply(AT_LEAST_0, builder::consecutiveFailureThreshold);
		layers.get("slow-call-duration-threshold", i.getSlowCallDurationThreshold(), d.getSlowCallDurationThreshold())
			.apply(POSITIVE_DURATION, builder::slowCallDurationThreshold);
		layers.get("slow-call-rate-threshold", i.getSlowCallRateThreshold(), d.getSlowCallRateThreshold())
			.apply(PERCENT, builder::slowCallRateThreshold);
		layers.get("wait-duration-in-open-state", i.getWaitDurationInOpenState(), d.getWaitDurationInOpenState())
			.apply(POSITIVE_DURATION, builder::waitDurationInOpenState);
		layers.get("permitted-number-of-calls-in-half-open-state", i.getPermittedNumberOfCallsInHalfOpenState(),
				d.getPermittedNumberOfCallsInHalfOpenState())
			.apply(AT_LEAST_1, builder::permittedNumberOfCallsInHalfOpenState);
		layers.get("max-wait-duration-in-half-open-state", i.getMaxWaitDurationInHalfOpenState(),
				d.getMaxWaitDurationInHalfOpenState())
			.apply(NON_NEGATIVE_DURATION, builder::maxWaitDurationInHalfOpenState);
		builder.recordExceptions(
				exceptions(layers.get("record-exceptions", i.getRecordExceptions(), d.getRecordExceptions())));
		builder.ignoreExceptions(
				exceptions(layers.get("ignore-exceptions", i.getIgnoreExceptions(), d.getIgnoreExceptions())));
		if (type.value() == SlidingWindowType.COUNT_BASED && minimum.value() > size.value()) {
			// Blame the key this layer set: an instance that only shrinks the window is the culprit.
			if (size.fromInstance() && !minimum.fromInstance()) {
				size.reject("must be at least minimum-number-of-calls (" + minimum.value()
						+ ") when sliding-window-type is count-based");
			}
			minimum.reject("must not exceed sliding-window-size (" + size.value()
					+ ") when sliding-window-type is count-based, or the breaker could never open");
		}
		if (type.value() == SlidingWindowType.TIME_BASED && size.value() > MAX_TIME_BASED_WINDOW_SECONDS) {
			size.reject("must be at most " + MAX_TIME_BASED_WINDOW_SECONDS
					+ " (seconds) when sliding-window-type is time-based");
		}
		return layers.build(builder::build);
	}

	private static RetryConfig retry(Layers layers, ResilienceProperties.Retry.Defaults d,
			ResilienceProperties.Retry.Instance i) {
		RetryConfig.Builder builder = RetryConfig.custom();
		layers.get("max-attempts", i.getMaxAttempts(), d.getMaxAttempts()).apply(AT_LEAST_1, builder::maxAttempts);
		Setting<Duration> wait = layers.get("wait-duration", i.getWaitDuration(), d.getWaitDuration());
		Setting<Duration> maxWait = layers.get("max-wait-duration", i.getMaxWaitDuration(), d.getMaxWaitDuration());
		wait.apply(NON_NEGATIVE_DURATION, builder::waitDuration);
		maxWait.apply(NON_NEGATIVE_DURATION, builder::maxWaitDuration);
		layers.get("backoff", i.getBackoff(), d.getBackoff()).apply("must be fixed or exponential", builder::backoff);
		layers.get("multiplier", i.getMultiplier(), d.getMultiplier())
			.apply("must be a finite number of at least 1.0", builder::multiplier);
		layers.get("jitter", i.getJitter(), d.getJitter())
			.apply("must be none, full, equal or decorrelated", builder::jitter);
		builder.retryExceptions(
				exceptions(layers.get("retry-exceptions", i.getRetryExceptions(), d.getRetryExceptions())));
		builder.ignoreExceptions(
				exceptions(layers.get("ignore-exceptions", i.getIgnoreExceptions(), d.getIgnoreExceptions())));
		if (maxWait.value().compareTo(wait.value()) < 0) {
			if (wait.fromInstance() && !maxWait.fromInstance()) {
				wait.reject("must not be longer than max-wait-duration (" + InvalidResiliencePropertyException.format(
						maxWait.value()) + ")");
			}
			maxWait.reject("must not be shorter than wait-duration ("
					+ InvalidResiliencePropertyException.format(wait.value()) + ")");
		}
		builder.budget(budget(layers, d.getBudget(), i.getBudget()));
		return layers.build(builder::build);
	}

	private static BudgetConfig budget(Layers layers, ResilienceProperties.Retry.Defaults.Budget d,
			ResilienceProperties.Retry.Instance.Budget i) {
		Setting<Boolean> enabled = layers.get("budget.enabled", i.getEnabled(), d.isEnabled());
		Setting<Double> ratio = layers.get("budget.ratio", i.getRatio(), d.getRatio());
		Setting<Integer> minimum = layers.get("budget.min-retries-per-second", i.getMinRetriesPerSecond(),
				d.getMinRetriesPerSecond());
		Setting<Duration> window = layers.get("budget.window", i.getWindow(), d.getWindow());
		// BudgetConfig.of checks all three at once, so each is checked here first to name its key.
		double ratioValue = ratio.value();
		if (!(ratioValue > 0 && ratioValue <= 1)) {
			ratio.reject("must be in (0, 1]");
		}
		if (minimum.value() < 0) {
			minimum.reject(AT_LEAST_0);
		}
		if (window.value() == null || window.value().compareTo(Duration.ofSeconds(1)) < 0) {
			window.reject("must be at least 1s");
		}
		BudgetConfig budget = layers.build(() -> BudgetConfig.of(ratioValue, minimum.value(), window.value()));
		return enabled.value() ? budget : BudgetConfig.disabled();
	}

	private static BulkheadConfig bulkhead(Layers layers, ResilienceProperties.Bulkhead.Defaults d,
			ResilienceProperties.Bulkhead.Instance i) {
		BulkheadConfig.Builder builder = BulkheadConfig.custom();
		layers.get("type", i.getType(), d.getType()).apply("must be semaphore or thread-pool", builder::type);
		layers.get("max-concurrent-calls", i.getMaxConcurrentCalls(), d.getMaxConcurrentCalls())
			.apply(AT_LEAST_1, builder::maxConcurrentCalls);
		layers.get("max-wait-duration", i.getMaxWaitDuration(), d.getMaxWaitDuration())
			.apply(NON_NEGATIVE_DURATION, builder::maxWaitDuration);
		ResilienceProperties.Bulkhead.Defaults.ThreadPool dp = d.getThreadPool();
		ResilienceProperties.Bulkhead.Instance.ThreadPool ip = i.getThreadPool();
		Setting<Integer> core = layers.get("thread-pool.core-size", ip.getCoreSize(), dp.getCoreSize());
		Setting<Integer> max = layers.get("thread-pool.max-size", ip.getMaxSize(), dp.getMaxSize());
		core.apply(AT_LEAST_1, builder::coreSize);
		max.apply(AT_LEAST_1, builder::maxSize);
		layers.get("thread-pool.queue-capacity", ip.getQueueCapacity(), dp.getQueueCapacity())
			.apply(AT_LEAST_0, builder::queueCapacity);
		layers.get("thread-pool.keep-alive", ip.getKeepAlive(), dp.getKeepAlive())
			.apply(NON_NEGATIVE_DURATION, builder::keepAlive);
		if (max.value() < core.value()) {
			if (core.fromInstance() && !max.fromInstance()) {
				core.reject("must not be larger than thread-pool.max-size (" + max.value() + ")");
			}
			max.reject("must not be smaller than thread-pool.core-size (" + core.value() + ")");
		}
		return layers.build(builder::build);
	}

	private static IdempotencyConfig idempotency(Layers layers, ResilienceProperties.Idempotency global,
			ResilienceProperties.Idempotency.Instance i) {
		ResilienceProperties.Idempotency.Defaults d = global.getDefaults();
		Setting<Duration> ttl = layers.get("ttl", i.getTtl(), d.getTtl());
		Setting<Duration> timeout = layers.get("in-progress-timeout", i.getInProgressTimeout(),
				d.getInProgressTimeout());
		Setting<IdempotencyConfig.OnInProgress> onInProgress = layers.get("on-in-progress", i.getOnInProgress(), d.getOnInProgress());
		Setting<Duration> wait = layers.get("in-progress-wait", i.getInProgressWait(), d.getInProgressWait());
		Setting<Boolean> storeFallbackResults = layers.get("store-fallback-results", i.getStoreFallbackResults(),
				d.isStoreFallbackResults());
		if (ttl.value() == null || ttl.value().isNegative() || ttl.value().isZero()) {
			ttl.reject(POSITIVE_DURATION);
		}
		if (timeout.value() == null || timeout.value().isNegative() || timeout.value().isZero()) {
			timeout.reject(POSITIVE_DURATION);
		}
		if (onInProgress.value() == null) {
			onInProgress.reject("must be reject or wait");
		}
		if (wait.value() == null || wait.value().isNegative()) {
			wait.reject(NON_NEGATIVE_DURATION);
		}
		return IdempotencyConfig.custom()
			.ttl(ttl.value())
			.inProgressTimeout(timeout.value())
			.onInProgress(onInProgress.value())
			.inProgressWait(wait.value())
			.storeFallbackResults(storeFallbackResults.value())
			.keyPrefix(global.getKeyPrefix())
			.maxKeyLength(global.getMaxKeyLength())
			.build();
	}

	private static void validateIdempotencyStore(ResilienceProperties.Idempotency idempotency) {
		if (idempotency.getStore() == null) {
			throw new InvalidResiliencePropertyException(IDEMPOTENCY + ".store", null, "must be memory, redis or jdbc");
		}
		if (idempotency.getScope() == null) {
			throw new InvalidResiliencePropertyException(IDEMPOTENCY + ".scope", null, "must be principal or global");
		}
		if (idempotency.getKeyPrefix() == null) {
			throw new InvalidResiliencePropertyException(IDEMPOTENCY + ".key-prefix", null, "must not be null");
		}
		if (idempotency.getMaxKeyLength() < 1) {
			throw new InvalidResiliencePropertyException(IDEMPOTENCY + ".max-key-length", idempotency.getMaxKeyLength(),
					AT_LEAST_1);
		}
		long maximumSize = idempotency.getMemory().getMaximumSize();
		if (maximumSize < 1) {
			throw new InvalidResiliencePropertyException(IDEMPOTENCY + ".memory.maximum-size", maximumSize, AT_LEAST_1);
		}
		DataSize maximumMemory = idempotency.getMemory().getMaximumMemory();
		if (maximumMemory == null || maximumMemory.toBytes() < MemoryIdempotencyStore.RECORD_OVERHEAD_BYTES) {
			throw new InvalidResiliencePropertyException(IDEMPOTENCY + ".memory.maximum-memory", maximumMemory,
					"must be at least " + MemoryIdempotencyStore.RECORD_OVERHEAD_BYTES + "B (one record's overhead)");
		}
		String tableName = idempotency.getJdbc().getTableName();
		// The name is written into SQL statements, so only plain identifiers are accepted.
		if (tableName == null || !TABLE_NAME.matcher(tableName).matches()) {
			throw new InvalidResiliencePropertyException(IDEMPOTENCY + ".jdbc.table-name", tableName,
					"must be a table name of letters, digits and underscores, optionally qualified by a schema "
							+ "(schema.table)");
		}
		if (idempotency.getJdbc().getInitializeSchema() == null) {
			throw new InvalidResiliencePropertyException(IDEMPOTENCY + ".jdbc.initialize-schema", null,
					"must be always, embedded or never");
		}
	}

	private static List<Class<? extends Throwable>> exceptions(Setting<List<Class<? extends Throwable>>> setting) {
		List<Class<? extends Throwable>> types = setting.value();
		if (types == null) {
			return List.of();
		}
		for (int index = 0; index < types.size(); index++) {
			Class<?> type = types.get(index);
			// Binding does not check the generic bound, so a class that is no Throwable arrives here.
			if (type == null || !Throwable.class.isAssignableFrom(type)) {
				throw new InvalidResiliencePropertyException(setting.property() + "[" + index + "]", type,
						"must name a subclass of java.lang.Throwable");
			}
		}
		return List.copyOf(types);
	}

	/**
	 * Property names of one instance ({@code instances.<name>}) or of the {@code defaults} group
	 * when {@code instanceName} is {@code null}.
	 */
	private static final class Layers {

		private final String defaultsPrefix;

		private final String instancePrefix;

		private final String groupName;

		Layers(String pattern, String instanceName) {
			this.defaultsPrefix = pattern + ".defaults.";
			this.instancePrefix = (instanceName != null) ? pattern + ".instances" + mapKey(instanceName) + "." : null;
			this.groupName = (instanceName != null) ? pattern + ".instances" + mapKey(instanceName)
					: pattern + ".defaults";
		}

		private static String mapKey(String name) {
			boolean plain = !name.isEmpty() && name.chars().noneMatch((c) -> c == '.' || c == '[' || c == ']');
			return plain ? "." + name : "[" + name + "]";
		}

		<T> Setting<T> get(String key, T instanceValue, T defaultValue) {
			if (instanceValue != null && this.instancePrefix != null) {
				return new Setting<>(this.instancePrefix + key, instanceValue, true);
			}
			return new Setting<>(this.defaultsPrefix + key, defaultValue, false);
		}

		/** Runs a builder's final cross-checks, naming the group should one fail unforeseen. */
		<C> C build(Supplier<C> build) {
			try {
				return build.get();
			}
			catch (IllegalArgumentException | NullPointerException ex) {
				throw new InvalidResiliencePropertyException(this.groupName, "(this combination of keys)",
						"must be accepted by the engine, which says: " + ex.getMessage(), ex);
			}
		}

	}

	/** One key's effective value and the full name of the property it came from. */
	private record Setting<T>(String property, T value, boolean fromInstance) {

		void apply(String requirement, Consumer<T> setter) {
			try {
				setter.accept(this.value);
			}
			catch (IllegalArgumentException | NullPointerException ex) {
				throw new InvalidResiliencePropertyException(this.property, this.value, requirement, ex);
			}
		}

		void reject(String requirement) {
			throw new InvalidResiliencePropertyException(this.property, this.value, requirement);
		}

	}

}
