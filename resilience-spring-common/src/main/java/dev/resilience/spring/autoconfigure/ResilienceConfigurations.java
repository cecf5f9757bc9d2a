package dev.resilience.spring.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.springframework.util.unit.DataSize;

import dev.resilience.InvalidConfigurationException;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.hedge.HedgeConfig;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.retry.RetryAfterReader;
import dev.resilience.retry.RetryConfig;
import dev.resilience.retry.RetryConfig.BudgetConfig;
import dev.resilience.spring.retry.HttpRetryAfter;
import dev.resilience.timeout.TimeoutConfig;

/**
 * The engine configurations of every named instance, built once from
 * {@link ResilienceProperties}: an instance's keys override {@code defaults} one by one,
 * and an undeclared name gets the defaults.
 * <p>
 * Everything is validated in the constructor, {@code defaults} and every declared
 * instance, so a value out of range fails application startup even if no method uses that
 * instance. A failure is an {@link InvalidResiliencePropertyException} naming the full
 * property, the value and the accepted range. The engine builders' checks are the only
 * ones applied to the engine's settings: this class says which property, in which layer,
 * fed the setting a builder rejected, and words a rule between settings (an
 * {@link InvalidConfigurationException}) in property names. It checks by itself only what
 * the engine does not see: the store's keys and that listed classes are exceptions.
 * <p>
 * Immutable and thread-safe once constructed.
 */
public class ResilienceConfigurations {

	private static final String CIRCUIT_BREAKER = "resilience.circuit-breaker";

	private static final String RETRY = "resilience.retry";

	/**
	 * Reads {@code Retry-After} from Spring's HTTP client exceptions; {@code null}
	 * without spring-web and spring-webflux.
	 */
	private static final RetryAfterReader HTTP_RETRY_AFTER = HttpRetryAfter
		.reader(ResilienceConfigurations.class.getClassLoader(), Clock.systemUTC());

	private static final String BULKHEAD = "resilience.bulkhead";

	private static final String RATE_LIMITER = "resilience.rate-limiter";

	private static final String TIMEOUT = "resilience.timeout";

	private static final String HEDGE = "resilience.hedge";

	private static final String IDEMPOTENCY = "resilience.idempotency";

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

	private final RateLimiterConfig rateLimiterDefaults;

	private final Map<String, RateLimiterConfig> rateLimiters;

	private final TimeoutConfig timeoutDefaults;

	private final Map<String, TimeoutConfig> timeouts;

	private final HedgeConfig hedgeDefaults;

	private final Map<String, HedgeConfig> hedges;

	private final IdempotencyConfig idempotencyDefaults;

	private final Map<String, IdempotencyConfig> idempotencies;

	/**
	 * Builds and validates every configuration.
	 * @throws InvalidResiliencePropertyException naming the first property whose value is
	 * out of range
	 */
	public ResilienceConfigurations(ResilienceProperties properties) {
		Objects.requireNonNull(properties, "properties");
		ResilienceProperties.CircuitBreaker circuitBreaker = properties.getCircuitBreaker();
		this.circuitBreakerDefaults = circuitBreaker(new Layers(CIRCUIT_BREAKER, null), circuitBreaker.getDefaults(),
				new CircuitBreakerSettings());
		this.circuitBreakers = build(CIRCUIT_BREAKER, circuitBreaker.getInstances(),
				(layers, instance) -> circuitBreaker(layers, circuitBreaker.getDefaults(), instance));
		ResilienceProperties.Retry retry = properties.getRetry();
		this.retryDefaults = retry(new Layers(RETRY, null), retry.getDefaults(), new RetrySettings());
		this.retries = build(RETRY, retry.getInstances(),
				(layers, instance) -> retry(layers, retry.getDefaults(), instance));
		ResilienceProperties.Bulkhead bulkhead = properties.getBulkhead();
		this.bulkheadDefaults = bulkhead(new Layers(BULKHEAD, null), bulkhead.getDefaults(), new BulkheadSettings());
		this.bulkheads = build(BULKHEAD, bulkhead.getInstances(),
				(layers, instance) -> bulkhead(layers, bulkhead.getDefaults(), instance));
		ResilienceProperties.RateLimiter rateLimiter = properties.getRateLimiter();
		this.rateLimiterDefaults = rateLimiter(new Layers(RATE_LIMITER, null), rateLimiter.getDefaults(),
				new RateLimiterSettings());
		this.rateLimiters = build(RATE_LIMITER, rateLimiter.getInstances(),
				(layers, instance) -> rateLimiter(layers, rateLimiter.getDefaults(), instance));
		ResilienceProperties.Timeout timeout = properties.getTimeout();
		this.timeoutDefaults = timeout(new Layers(TIMEOUT, null), timeout.getDefaults(), new TimeoutSettings());
		this.timeouts = build(TIMEOUT, timeout.getInstances(),
				(layers, instance) -> timeout(layers, timeout.getDefaults(), instance));
		ResilienceProperties.Hedge hedge = properties.getHedge();
		this.hedgeDefaults = hedge(new Layers(HEDGE, null), hedge.getDefaults(), new HedgeSettings());
		this.hedges = build(HEDGE, hedge.getInstances(),
				(layers, instance) -> hedge(layers, hedge.getDefaults(), instance));
		ResilienceProperties.Idempotency idempotency = properties.getIdempotency();
		validateIdempotencyStore(idempotency);
		this.idempotencyDefaults = idempotency(new Layers(IDEMPOTENCY, null), idempotency, new IdempotencySettings());
		this.idempotencies = build(IDEMPOTENCY, idempotency.getInstances(),
				(layers, instance) -> idempotency(layers, idempotency, instance));
	}

	/**
	 * Configuration of the named circuit breaker: its instance keys over the defaults.
	 */
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

	/** Configuration of the named rate limiter: its instance keys over the defaults. */
	public RateLimiterConfig rateLimiter(String name) {
		return this.rateLimiters.getOrDefault(Objects.requireNonNull(name, "name"), this.rateLimiterDefaults);
	}

	/** Configuration of the named timeout: its instance keys over the defaults. */
	public TimeoutConfig timeout(String name) {
		return this.timeouts.getOrDefault(Objects.requireNonNull(name, "name"), this.timeoutDefaults);
	}

	/** Configuration of the named hedge: its instance keys over the defaults. */
	public HedgeConfig hedge(String name) {
		return this.hedges.getOrDefault(Objects.requireNonNull(name, "name"), this.hedgeDefaults);
	}

	/**
	 * Configuration of the named idempotency instance: its instance keys over the
	 * defaults, with the global key prefix and length limit.
	 */
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

	/** Names under {@code resilience.rate-limiter.instances}, in declaration order. */
	public Set<String> rateLimiterInstanceNames() {
		return this.rateLimiters.keySet();
	}

	/**
	 * The property that first makes a rate limiter of cluster scope (an instance's
	 * {@code scope}, or that of {@code defaults}, which every undeclared limiter takes),
	 * or {@code null} when every limiter is of instance scope.
	 */
	public String clusterScopeProperty() {
		for (Map.Entry<String, RateLimiterConfig> entry : this.rateLimiters.entrySet()) {
			if (entry.getValue().getScope() == RateLimiterConfig.Scope.CLUSTER) {
				return new Layers(RATE_LIMITER, entry.getKey()).group() + ".scope";
			}
		}
		return (this.rateLimiterDefaults.getScope() == RateLimiterConfig.Scope.CLUSTER)
				? RATE_LIMITER + ".defaults.scope" : null;
	}

	/** Names under {@code resilience.timeout.instances}, in declaration order. */
	public Set<String> timeoutInstanceNames() {
		return this.timeouts.keySet();
	}

	/** Names under {@code resilience.hedge.instances}, in declaration order. */
	public Set<String> hedgeInstanceNames() {
		return this.hedges.keySet();
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

	private static CircuitBreakerConfig circuitBreaker(Layers layers, CircuitBreakerSettings d,
			CircuitBreakerSettings i) {
		CircuitBreakerConfig engine = CircuitBreakerConfig.ofDefaults();
		CircuitBreakerConfig.Builder builder = CircuitBreakerConfig.custom();
		Settings settings = layers.settings();
		settings
			.get("slidingWindowType", "sliding-window-type", i.getSlidingWindowType(), d.getSlidingWindowType(),
					engine.getSlidingWindowType())
			.apply("must be count-based or time-based", builder::slidingWindowType);
		settings
			.get("slidingWindowSize", "sliding-window-size", i.getSlidingWindowSize(), d.getSlidingWindowSize(),
					engine.getSlidingWindowSize())
			.apply(AT_LEAST_1, builder::slidingWindowSize);
		settings
			.get("minimumNumberOfCalls", "minimum-number-of-calls", i.getMinimumNumberOfCalls(),
					d.getMinimumNumberOfCalls(), engine.getMinimumNumberOfCalls())
			.apply(AT_LEAST_1, builder::minimumNumberOfCalls);
		settings
			.get("failureRateThreshold", "failure-rate-threshold", i.getFailureRateThreshold(),
					d.getFailureRateThreshold(), engine.getFailureRateThreshold())
			.apply(PERCENT, builder::failureRateThreshold);
		settings
			.get("consecutiveFailureThreshold", "consecutive-failure-threshold", i.getConsecutiveFailureThreshold(),
					d.getConsecutiveFailureThreshold(), engine.getConsecutiveFailureThreshold())
			.apply(AT_LEAST_0, builder::consecutiveFailureThreshold);
		settings
			.get("slowCallDurationThreshold", "slow-call-duration-threshold", i.getSlowCallDurationThreshold(),
					d.getSlowCallDurationThreshold(), engine.getSlowCallDurationThreshold())
			.apply(POSITIVE_DURATION, builder::slowCallDurationThreshold);
		settings
			.get("slowCallRateThreshold", "slow-call-rate-threshold", i.getSlowCallRateThreshold(),
					d.getSlowCallRateThreshold(), engine.getSlowCallRateThreshold())
			.apply(PERCENT, builder::slowCallRateThreshold);
		settings
			.get("waitDurationInOpenState", "wait-duration-in-open-state", i.getWaitDurationInOpenState(),
					d.getWaitDurationInOpenState(), engine.getWaitDurationInOpenState())
			.apply(POSITIVE_DURATION, builder::waitDurationInOpenState);
		settings
			.get("permittedNumberOfCallsInHalfOpenState", "permitted-number-of-calls-in-half-open-state",
					i.getPermittedNumberOfCallsInHalfOpenState(), d.getPermittedNumberOfCallsInHalfOpenState(),
					engine.getPermittedNumberOfCallsInHalfOpenState())
			.apply(AT_LEAST_1, builder::permittedNumberOfCallsInHalfOpenState);
		settings
			.get("maxWaitDurationInHalfOpenState", "max-wait-duration-in-half-open-state",
					i.getMaxWaitDurationInHalfOpenState(), d.getMaxWaitDurationInHalfOpenState(),
					engine.getMaxWaitDurationInHalfOpenState())
			.apply(NON_NEGATIVE_DURATION, builder::maxWaitDurationInHalfOpenState);
		builder.recordExceptions(exceptions(settings.get("recordExceptions", "record-exceptions",
				i.getRecordExceptions(), d.getRecordExceptions(), engine.getRecordExceptions())));
		builder.ignoreExceptions(exceptions(settings.get("ignoreExceptions", "ignore-exceptions",
				i.getIgnoreExceptions(), d.getIgnoreExceptions(), engine.getIgnoreExceptions())));
		adaptiveSlowCall(settings, builder, d.getAdaptiveSlowCall(), i.getAdaptiveSlowCall(), engine);
		return settings.build(builder::build);
	}

	/**
	 * The {@code adaptive-slow-call.*} keys of a breaker, checked even when disabled, so
	 * that turning it on later cannot break startup.
	 */
	private static void adaptiveSlowCall(Settings settings, CircuitBreakerConfig.Builder builder,
			CircuitBreakerSettings.AdaptiveSlowCall d, CircuitBreakerSettings.AdaptiveSlowCall i,
			CircuitBreakerConfig engine) {
		settings
			.get("adaptiveSlowCallEnabled", "adaptive-slow-call.enabled", i.getEnabled(), d.getEnabled(),
					engine.isAdaptiveSlowCallEnabled())
			.apply("must be true or false", builder::adaptiveSlowCallEnabled);
		settings
			.get("adaptiveSlowCallQuantile", "adaptive-slow-call.quantile", i.getQuantile(), d.getQuantile(),
					engine.getAdaptiveSlowCallQuantile())
			.apply("must be in (0, 1)", builder::adaptiveSlowCallQuantile);
		settings
			.get("adaptiveSlowCallFactor", "adaptive-slow-call.factor", i.getFactor(), d.getFactor(),
					engine.getAdaptiveSlowCallFactor())
			.apply("must be a finite number above 1.0", builder::adaptiveSlowCallFactor);
		settings
			.get("adaptiveSlowCallMinThreshold", "adaptive-slow-call.min-threshold", i.getMinThreshold(),
					d.getMinThreshold(), engine.getAdaptiveSlowCallMinThreshold())
			.apply(POSITIVE_DURATION, builder::adaptiveSlowCallMinThreshold);
	}

	private static RetryConfig retry(Layers layers, RetrySettings d, RetrySettings i) {
		RetryConfig engine = RetryConfig.ofDefaults();
		RetryConfig.Builder builder = RetryConfig.custom();
		Settings settings = layers.settings();
		settings.get("maxAttempts", "max-attempts", i.getMaxAttempts(), d.getMaxAttempts(), engine.getMaxAttempts())
			.apply(AT_LEAST_1, builder::maxAttempts);
		settings
			.get("waitDuration", "wait-duration", i.getWaitDuration(), d.getWaitDuration(), engine.getWaitDuration())
			.apply(NON_NEGATIVE_DURATION, builder::waitDuration);
		settings
			.get("maxWaitDuration", "max-wait-duration", i.getMaxWaitDuration(), d.getMaxWaitDuration(),
					engine.getMaxWaitDuration())
			.apply(NON_NEGATIVE_DURATION, builder::maxWaitDuration);
		settings.get("backoff", "backoff", i.getBackoff(), d.getBackoff(), engine.getBackoff())
			.apply("must be fixed or exponential", builder::backoff);
		settings.get("multiplier", "multiplier", i.getMultiplier(), d.getMultiplier(), engine.getMultiplier())
			.apply("must be a finite number of at least 1.0", builder::multiplier);
		settings.get("jitter", "jitter", i.getJitter(), d.getJitter(), engine.getJitter())
			.apply("must be none, full, equal or decorrelated", builder::jitter);
		builder.retryExceptions(exceptions(settings.get("retryExceptions", "retry-exceptions", i.getRetryExceptions(),
				d.getRetryExceptions(), engine.getRetryExceptions())));
		builder.ignoreExceptions(exceptions(settings.get("ignoreExceptions", "ignore-exceptions",
				i.getIgnoreExceptions(), d.getIgnoreExceptions(), engine.getIgnoreExceptions())));
		builder.budget(budget(layers, d.getBudget(), i.getBudget()));
		builder.respectRetryAfter(
				settings
					.get("respectRetryAfter", "respect-retry-after", i.getRespectRetryAfter(), d.getRespectRetryAfter(),
							engine.isRespectRetryAfter())
					.value());
		if (HTTP_RETRY_AFTER != null) {
			builder.retryAfterReader(HTTP_RETRY_AFTER);
		}
		return settings.build(builder::build);
	}

	private static BudgetConfig budget(Layers layers, RetrySettings.Budget d, RetrySettings.Budget i) {
		BudgetConfig engine = BudgetConfig.ofDefaults();
		Settings settings = layers.settings();
		boolean enabled = settings.get("enabled", "budget.enabled", i.getEnabled(), d.getEnabled(), engine.isEnabled())
			.value();
		double ratio = settings.get("ratio", "budget.ratio", i.getRatio(), d.getRatio(), engine.getRatio()).value();
		int minimum = settings
			.get("minRetriesPerSecond", "budget.min-retries-per-second", i.getMinRetriesPerSecond(),
					d.getMinRetriesPerSecond(), engine.getMinRetriesPerSecond())
			.value();
		Duration window = settings.get("window", "budget.window", i.getWindow(), d.getWindow(), engine.getWindow())
			.value();
		// Checked even when disabled, so that turning the budget on later cannot break
		// startup.
		BudgetConfig budget = settings.build(() -> BudgetConfig.of(ratio, minimum, window));
		return enabled ? budget : BudgetConfig.disabled();
	}

	private static BulkheadConfig bulkhead(Layers layers, BulkheadSettings d, BulkheadSettings i) {
		BulkheadConfig engine = BulkheadConfig.ofDefaults();
		BulkheadConfig.Builder builder = BulkheadConfig.custom();
		Settings settings = layers.settings();
		settings.get("type", "type", i.getType(), d.getType(), engine.getType())
			.apply("must be semaphore, thread-pool or adaptive", builder::type);
		settings
			.get("maxConcurrentCalls", "max-concurrent-calls", i.getMaxConcurrentCalls(), d.getMaxConcurrentCalls(),
					engine.getMaxConcurrentCalls())
			.apply(AT_LEAST_1, builder::maxConcurrentCalls);
		settings
			.get("maxWaitDuration", "max-wait-duration", i.getMaxWaitDuration(), d.getMaxWaitDuration(),
					engine.getMaxWaitDuration())
			.apply(NON_NEGATIVE_DURATION, builder::maxWaitDuration);
		BulkheadSettings.ThreadPool dp = d.getThreadPool();
		BulkheadSettings.ThreadPool ip = i.getThreadPool();
		settings.get("coreSize", "thread-pool.core-size", ip.getCoreSize(), dp.getCoreSize(), engine.getCoreSize())
			.apply(AT_LEAST_1, builder::coreSize);
		settings.get("maxSize", "thread-pool.max-size", ip.getMaxSize(), dp.getMaxSize(), engine.getMaxSize())
			.apply(AT_LEAST_1, builder::maxSize);
		settings
			.get("queueCapacity", "thread-pool.queue-capacity", ip.getQueueCapacity(), dp.getQueueCapacity(),
					engine.getQueueCapacity())
			.apply(AT_LEAST_0, builder::queueCapacity);
		settings.get("keepAlive", "thread-pool.keep-alive", ip.getKeepAlive(), dp.getKeepAlive(), engine.getKeepAlive())
			.apply(NON_NEGATIVE_DURATION, builder::keepAlive);
		adaptiveBulkhead(layers, settings, builder, d, i);
		return settings.build(builder::build);
	}

	private static void adaptiveBulkhead(Layers layers, Settings settings, BulkheadConfig.Builder builder,
			BulkheadSettings d, BulkheadSettings i) {
		BulkheadConfig engine = BulkheadConfig.ofDefaults();
		settings.get("algorithm", "algorithm", i.getAlgorithm(), d.getAlgorithm(), engine.getAlgorithm())
			.apply("must be gradient2, vegas or aimd", builder::algorithm);
		settings.get("minLimit", "min-limit", i.getMinLimit(), d.getMinLimit(), engine.getMinLimit())
			.apply(AT_LEAST_1, builder::minLimit);
		settings.get("maxLimit", "max-limit", i.getMaxLimit(), d.getMaxLimit(), engine.getMaxLimit())
			.apply(AT_LEAST_1, builder::maxLimit);
		settings
			.get("initialLimit", "initial-limit", i.getInitialLimit(), d.getInitialLimit(), engine.getInitialLimit())
			.apply(AT_LEAST_1, builder::initialLimit);
		BulkheadConfig.Type type = (i.getType() != null) ? i.getType()
				: (d.getType() != null) ? d.getType() : engine.getType();
		// An instance's own keys must fit its type; so must those of defaults when
		// defaults
		// name a type themselves. Keys in defaults without a type are defaults for the
		// instances of whichever type they fit.
		if (layers.instanceGroup != null) {
			requireKeysOfType(layers.instanceGroup, type, i);
		}
		else if (d.getType() != null) {
			requireKeysOfType(layers.group(), type, d);
		}
	}

	private static void requireKeysOfType(String group, BulkheadConfig.Type type, BulkheadSettings own) {
		String typeName = type.name().toLowerCase(Locale.ROOT).replace('_', '-');
		Map<String, Object> adaptiveKeys = new LinkedHashMap<>();
		adaptiveKeys.put("algorithm", own.getAlgorithm());
		adaptiveKeys.put("min-limit", own.getMinLimit());
		adaptiveKeys.put("max-limit", own.getMaxLimit());
		adaptiveKeys.put("initial-limit", own.getInitialLimit());
		Map<String, Object> fixedKeys = new LinkedHashMap<>();
		fixedKeys.put("max-concurrent-calls", own.getMaxConcurrentCalls());
		fixedKeys.put("thread-pool.core-size", own.getThreadPool().getCoreSize());
		fixedKeys.put("thread-pool.max-size", own.getThreadPool().getMaxSize());
		fixedKeys.put("thread-pool.queue-capacity", own.getThreadPool().getQueueCapacity());
		fixedKeys.put("thread-pool.keep-alive", own.getThreadPool().getKeepAlive());
		boolean adaptive = type == BulkheadConfig.Type.ADAPTIVE;
		String requirement = adaptive
				? "does not apply to a bulkhead of type adaptive, whose limit moves between min-limit and max-limit"
				: "applies only to a bulkhead of type adaptive, and this one is " + typeName;
		(adaptive ? fixedKeys : adaptiveKeys).forEach((key, value) -> {
			if (value != null) {
				throw new InvalidResiliencePropertyException(group + "." + key,
						(value instanceof Enum<?> e) ? e.name().toLowerCase(Locale.ROOT) : value, requirement);
			}
		});
	}

	private static RateLimiterConfig rateLimiter(Layers layers, RateLimiterSettings d, RateLimiterSettings i) {
		RateLimiterConfig engine = RateLimiterConfig.ofDefaults();
		RateLimiterConfig.Builder builder = RateLimiterConfig.custom();
		Settings settings = layers.settings();
		settings
			.get("limitForPeriod", "limit-for-period", i.getLimitForPeriod(), d.getLimitForPeriod(),
					engine.getLimitForPeriod())
			.apply(AT_LEAST_1, builder::limitForPeriod);
		settings
			.get("limitRefreshPeriod", "limit-refresh-period", i.getLimitRefreshPeriod(), d.getLimitRefreshPeriod(),
					engine.getLimitRefreshPeriod())
			.apply(POSITIVE_DURATION, builder::limitRefreshPeriod);
		settings
			.get("timeoutDuration", "timeout-duration", i.getTimeoutDuration(), d.getTimeoutDuration(),
					engine.getTimeoutDuration())
			.apply(NON_NEGATIVE_DURATION, builder::timeoutDuration);
		settings.get("scope", "scope", i.getScope(), d.getScope(), engine.getScope())
			.apply("must be instance or cluster", builder::scope);
		settings
			.get("onStoreUnavailable", "on-store-unavailable", i.getOnStoreUnavailable(), d.getOnStoreUnavailable(),
					engine.getOnStoreUnavailable())
			.apply("must be allow or deny", builder::onStoreUnavailable);
		settings
			.get("storeTimeout", "store-timeout", i.getStoreTimeout(), d.getStoreTimeout(), engine.getStoreTimeout())
			.apply("must be a positive duration of at most 5s", builder::storeTimeout);
		RateLimiterConfig.Scope scope = (i.getScope() != null) ? i.getScope()
				: (d.getScope() != null) ? d.getScope() : engine.getScope();
		// As for bulkhead types: an instance's own store keys must fit its scope, and so
		// must those of defaults when defaults name a scope themselves.
		if (layers.instanceGroup != null) {
			requireKeysOfScope(layers.instanceGroup, scope, i);
		}
		else if (d.getScope() != null) {
			requireKeysOfScope(layers.group(), scope, d);
		}
		return settings.build(builder::build);
	}

	private static void requireKeysOfScope(String group, RateLimiterConfig.Scope scope, RateLimiterSettings own) {
		if (scope == RateLimiterConfig.Scope.CLUSTER) {
			return;
		}
		Map<String, Object> clusterKeys = new LinkedHashMap<>();
		clusterKeys.put("on-store-unavailable", own.getOnStoreUnavailable());
		clusterKeys.put("store-timeout", own.getStoreTimeout());
		clusterKeys.forEach((key, value) -> {
			if (value != null) {
				throw new InvalidResiliencePropertyException(group + "." + key,
						(value instanceof Enum<?> e) ? e.name().toLowerCase(Locale.ROOT) : value,
						"applies only to a rate limiter of scope cluster, and this one is instance" + " (set " + group
								+ ".scope=cluster)");
			}
		});
	}

	private static TimeoutConfig timeout(Layers layers, TimeoutSettings d, TimeoutSettings i) {
		TimeoutConfig engine = TimeoutConfig.ofDefaults();
		TimeoutConfig.Builder builder = TimeoutConfig.custom();
		Settings settings = layers.settings();
		settings.get("duration", "duration", i.getDuration(), d.getDuration(), engine.getDuration())
			.apply(POSITIVE_DURATION, builder::duration);
		settings.get("interrupt", "interrupt", i.getInterrupt(), d.getInterrupt(), engine.isInterrupt())
			.apply("must be true or false", builder::interrupt);
		return settings.build(builder::build);
	}

	private static HedgeConfig hedge(Layers layers, HedgeSettings d, HedgeSettings i) {
		HedgeConfig engine = HedgeConfig.ofDefaults();
		HedgeConfig.Builder builder = HedgeConfig.custom();
		Settings settings = layers.settings();
		settings.get("delay", "delay", i.getDelay(), d.getDelay(), engine.getDelay())
			.apply(POSITIVE_DURATION, builder::delay);
		// No default: unset waits the delay alone.
		Setting<Double> quantile = settings.get("delayQuantile", "delay-quantile", i.getDelayQuantile(),
				d.getDelayQuantile(), null);
		if (quantile.value() != null) {
			quantile.apply("must be in (0, 1)", builder::delayQuantile);
		}
		settings
			.get("maxHedgedAttempts", "max-hedged-attempts", i.getMaxHedgedAttempts(), d.getMaxHedgedAttempts(),
					engine.getMaxHedgedAttempts())
			.apply("must be in [1, " + HedgeConfig.MAX_HEDGED_ATTEMPTS_LIMIT + "]", builder::maxHedgedAttempts);
		HedgeSettings.Budget db = d.getBudget();
		HedgeSettings.Budget ib = i.getBudget();
		settings.get("budgetRatio", "budget.ratio", ib.getRatio(), db.getRatio(), engine.getBudgetRatio())
			.apply("must be in (0, 1]", builder::budgetRatio);
		settings.get("budgetWindow", "budget.window", ib.getWindow(), db.getWindow(), engine.getBudgetWindow())
			.apply(POSITIVE_DURATION, builder::budgetWindow);
		return settings.build(builder::build);
	}

	private static IdempotencyConfig idempotency(Layers layers, ResilienceProperties.Idempotency global,
			IdempotencySettings i) {
		IdempotencySettings d = global.getDefaults();
		IdempotencyConfig engine = IdempotencyConfig.ofDefaults();
		IdempotencyConfig.Builder builder = IdempotencyConfig.custom();
		Settings settings = layers.settings();
		settings.get("ttl", "ttl", i.getTtl(), d.getTtl(), engine.getTtl()).apply(POSITIVE_DURATION, builder::ttl);
		settings
			.get("inProgressTimeout", "in-progress-timeout", i.getInProgressTimeout(), d.getInProgressTimeout(),
					engine.getInProgressTimeout())
			.apply(POSITIVE_DURATION, builder::inProgressTimeout);
		settings
			.get("onInProgress", "on-in-progress", i.getOnInProgress(), d.getOnInProgress(), engine.getOnInProgress())
			.apply("must be reject or wait", builder::onInProgress);
		settings
			.get("inProgressWait", "in-progress-wait", i.getInProgressWait(), d.getInProgressWait(),
					engine.getInProgressWait())
			.apply(NON_NEGATIVE_DURATION, builder::inProgressWait);
		settings
			.get("storeFallbackResults", "store-fallback-results", i.getStoreFallbackResults(),
					d.getStoreFallbackResults(), engine.isStoreFallbackResults())
			.apply("must be true or false", builder::storeFallbackResults);
		new Setting<>("keyPrefix", "key-prefix", IDEMPOTENCY + ".key-prefix", global.getKeyPrefix(), Source.SHARED)
			.apply("must not be empty", builder::keyPrefix);
		new Setting<>("maxKeyLength", "max-key-length", IDEMPOTENCY + ".max-key-length", global.getMaxKeyLength(),
				Source.SHARED)
			.apply(AT_LEAST_1, builder::maxKeyLength);
		return settings.build(builder::build);
	}

	private static void validateIdempotencyStore(ResilienceProperties.Idempotency idempotency) {
		if (idempotency.getStore() == null) {
			throw new InvalidResiliencePropertyException(IDEMPOTENCY + ".store", null, "must be memory, redis or jdbc");
		}
		if (idempotency.getScope() == null) {
			throw new InvalidResiliencePropertyException(IDEMPOTENCY + ".scope", null, "must be principal or global");
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
		// The name is written into SQL statements, so only plain identifiers are
		// accepted.
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
		for (int index = 0; index < types.size(); index++) {
			Class<?> type = types.get(index);
			// Binding does not check the generic bound, so a class that is no Throwable
			// arrives here.
			if (type == null || !Throwable.class.isAssignableFrom(type)) {
				throw new InvalidResiliencePropertyException(setting.property() + "[" + index + "]", type,
						"must name a subclass of java.lang.Throwable");
			}
		}
		return List.copyOf(types);
	}

	/** Which layer supplied a setting's value. Declared in increasing precedence. */
	private enum Source {

		/** Neither layer set the key: the engine's default. */
		BUILT_IN,

		/** The {@code defaults} group. */
		DEFAULTS,

		/** The instance's own key. */
		INSTANCE,

		/** A key outside the layers, shared by every instance. */
		SHARED

	}

	/**
	 * Property names of one instance ({@code instances.<name>}) or of the
	 * {@code defaults} group when {@code instanceName} is {@code null}.
	 */
	private static final class Layers {

		private final String defaultsPrefix;

		private final String instanceGroup;

		Layers(String pattern, String instanceName) {
			this.defaultsPrefix = pattern + ".defaults.";
			this.instanceGroup = (instanceName != null) ? pattern + ".instances" + mapKey(instanceName) : null;
		}

		private static String mapKey(String name) {
			boolean plain = !name.isEmpty() && name.chars().noneMatch((c) -> c == '.' || c == '[' || c == ']');
			return plain ? "." + name : "[" + name + "]";
		}

		Settings settings() {
			return new Settings(this);
		}

		/** The group of keys being built: the instance's, or {@code defaults}. */
		String group() {
			return (this.instanceGroup != null) ? this.instanceGroup
					: this.defaultsPrefix.substring(0, this.defaultsPrefix.length() - 1);
		}

	}

	/**
	 * The settings read to build one engine configuration, by the engine's name for each,
	 * so that the engine's {@link InvalidConfigurationException} can be told in property
	 * names.
	 */
	private static final class Settings implements InvalidConfigurationException.SettingFormat {

		private final Layers layers;

		private final Map<String, Setting<?>> byEngineName = new LinkedHashMap<>();

		Settings(Layers layers) {
			this.layers = layers;
		}

		/**
		 * The effective value of a key: the instance's if it sets one, else that of
		 * {@code defaults}, else the engine's default.
		 */
		<T> Setting<T> get(String engineName, String key, T instanceValue, T defaultsValue, T builtInValue) {
			Setting<T> setting;
			if (instanceValue != null && this.layers.instanceGroup != null) {
				setting = new Setting<>(engineName, key, this.layers.instanceGroup + "." + key, instanceValue,
						Source.INSTANCE);
			}
			else if (defaultsValue != null) {
				setting = new Setting<>(engineName, key, this.layers.defaultsPrefix + key, defaultsValue,
						Source.DEFAULTS);
			}
			else {
				setting = new Setting<>(engineName, key, this.layers.defaultsPrefix + key, builtInValue,
						Source.BUILT_IN);
			}
			this.byEngineName.put(engineName, setting);
			return setting;
		}

		/**
		 * Runs an engine builder, whose rules between settings are the only ones applied,
		 * and names the property it blames. Where the rule is as much about another
		 * setting and that one was set by a nearer layer (the instance rather than
		 * {@code defaults}), that one is named: an instance that only shrinks a window is
		 * the culprit, not the inherited minimum.
		 */
		<C> C build(Supplier<C> build) {
			try {
				return build.get();
			}
			catch (InvalidConfigurationException ex) {
				InvalidConfigurationException blamed = ex;
				InvalidConfigurationException converse = ex.getConverse();
				if (converse != null && precedence(converse.getSetting()) > precedence(ex.getSetting())) {
					blamed = converse;
				}
				Setting<?> setting = this.byEngineName.get(blamed.getSetting());
				if (setting == null) {
					throw unforeseen(ex);
				}
				String inheritedBy = (this.layers.instanceGroup != null && setting.source() != Source.INSTANCE
						&& setting.source() != Source.SHARED) ? this.layers.instanceGroup : null;
				throw new InvalidResiliencePropertyException(setting.property(), blamed.getValue(),
						blamed.getRequirement(this), inheritedBy, ex);
			}
			catch (IllegalArgumentException | NullPointerException ex) {
				throw unforeseen(ex);
			}
		}

		private int precedence(String engineName) {
			Setting<?> setting = this.byEngineName.get(engineName);
			return (setting != null) ? setting.source().ordinal() : -1;
		}

		private InvalidResiliencePropertyException unforeseen(RuntimeException ex) {
			return new InvalidResiliencePropertyException(this.layers.group(), "(this combination of keys)",
					"must be accepted by the engine, which says: " + ex.getMessage(), ex);
		}

		@Override
		public String name(String engineName) {
			Setting<?> setting = this.byEngineName.get(engineName);
			return (setting != null) ? setting.key() : engineName;
		}

		@Override
		public String value(String engineName, Object value) {
			return InvalidResiliencePropertyException.format(value);
		}

	}

	/**
	 * One key's effective value, the full name of the property it came from and the layer
	 * that supplied it.
	 */
	private record Setting<T>(String engineName, String key, String property, T value, Source source) {

		void apply(String requirement, Consumer<T> setter) {
			try {
				setter.accept(this.value);
			}
			catch (IllegalArgumentException | NullPointerException ex) {
				throw new InvalidResiliencePropertyException(this.property, this.value, requirement, ex);
			}
		}

	}

}
