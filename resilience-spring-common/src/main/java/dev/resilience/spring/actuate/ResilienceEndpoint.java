package dev.resilience.spring.actuate;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.lang.Nullable;

import dev.resilience.ResilienceRegistry;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.chaos.Chaos;
import dev.resilience.chaos.ChaosConfig;
import dev.resilience.chaos.ChaosRegistry;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.hedge.Hedge;
import dev.resilience.hedge.HedgeConfig;
import dev.resilience.idempotency.Idempotency;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryConfig;
import dev.resilience.spring.autoconfigure.ChaosConfigurations;
import dev.resilience.spring.autoconfigure.InvalidResiliencePropertyException;
import dev.resilience.spring.support.DurationFormat;
import dev.resilience.timeout.Timeout;
import dev.resilience.timeout.TimeoutConfig;

/**
 * The {@code resilience} Actuator endpoint: every circuit breaker, retry, bulkhead, rate
 * limiter, timeout, hedge and idempotency instance of a {@link ResilienceRegistry} with
 * its live state and its effective configuration (keys as in {@code application.yml}),
 * all of them ({@code GET /actuator/resilience}) or those of one name ({@code GET
 * /actuator/resilience/{name}}, 404 when no instance has that name). Idempotency shows
 * configuration and store only: never a key, a record or a result.
 * <p>
 * Reads never create an instance. {@link #changeCircuitBreakerState} backs the web
 * extension's {@code POST /actuator/resilience/circuit-breakers/{name}}; it changes
 * nothing unless state changes were enabled, and only ever touches a breaker that exists.
 * Thread-safe.
 */
@Endpoint(id = "resilience")
public class ResilienceEndpoint {

	/** The fields of a chaos change, the keys of an instance in YAML. */
	static final List<String> CHAOS_FIELDS = List.of("error-rate", "error", "latency", "latency-rate");

	/** States a breaker may be moved to through the endpoint. */
	static final List<String> ACCEPTED_STATES = List.of(CircuitBreaker.State.FORCED_OPEN.name(),
			CircuitBreaker.State.CLOSED.name(), CircuitBreaker.State.DISABLED.name());

	private final ResilienceRegistry registry;

	private final boolean stateChangesEnabled;

	private final ChaosRegistry chaos;

	private final ClassLoader classLoader;

	/**
	 * @param registry the instances to show
	 * @param stateChangesEnabled whether {@link #changeCircuitBreakerState} may change
	 * anything
	 */
	public ResilienceEndpoint(ResilienceRegistry registry, boolean stateChangesEnabled) {
		this(registry, stateChangesEnabled, null, null);
	}

	/**
	 * @param registry the instances to show
	 * @param stateChangesEnabled whether {@link #changeCircuitBreakerState} and
	 * {@link #changeChaos} may change anything
	 * @param chaos the chaos instances, or {@code null} when chaos is not enabled
	 * @param classLoader loads the error types named in chaos changes
	 */
	public ResilienceEndpoint(ResilienceRegistry registry, boolean stateChangesEnabled, @Nullable ChaosRegistry chaos,
			@Nullable ClassLoader classLoader) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.stateChangesEnabled = stateChangesEnabled;
		this.chaos = chaos;
		this.classLoader = classLoader;
	}

	@ReadOperation
	public ResilienceDescriptor resilience() {
		Map<String, CircuitBreakerDescriptor> circuitBreakers = new TreeMap<>();
		this.registry.getCircuitBreakers()
			.forEach((breaker) -> circuitBreakers.put(breaker.getName(), CircuitBreakerDescriptor.of(breaker)));
		Map<String, RetryDescriptor> retries = new TreeMap<>();
		this.registry.getRetries().forEach((retry) -> retries.put(retry.getName(), RetryDescriptor.of(retry)));
		Map<String, BulkheadDescriptor> bulkheads = new TreeMap<>();
		this.registry.getBulkheads()
			.forEach((bulkhead) -> bulkheads.put(bulkhead.getName(), BulkheadDescriptor.of(bulkhead)));
		Map<String, IdempotencyDescriptor> idempotency = new TreeMap<>();
		this.registry.getIdempotencies()
			.stream()
			.collect(Collectors.groupingBy(Idempotency::getName))
			.forEach((name, instances) -> idempotency.put(name, IdempotencyDescriptor.of(instances)));
		Map<String, RateLimiterDescriptor> rateLimiters = new TreeMap<>();
		this.registry.getRateLimiters()
			.forEach((rateLimiter) -> rateLimiters.put(rateLimiter.getName(), RateLimiterDescriptor.of(rateLimiter)));
		Map<String, TimeoutDescriptor> timeouts = new TreeMap<>();
		this.registry.getTimeouts()
			.forEach((timeout) -> timeouts.put(timeout.getName(), TimeoutDescriptor.of(timeout)));
		Map<String, HedgeDescriptor> hedges = new TreeMap<>();
		this.registry.getHedges().forEach((hedge) -> hedges.put(hedge.getName(), HedgeDescriptor.of(hedge)));
		Map<String, ChaosDescriptor> chaos = null;
		if (this.chaos != null) {
			chaos = new TreeMap<>();
			for (Chaos instance : this.chaos.getAll()) {
				chaos.put(instance.getName(), ChaosDescriptor.of(instance));
			}
		}
		return new ResilienceDescriptor(circuitBreakers, retries, bulkheads, idempotency, rateLimiters, timeouts,
				hedges, chaos);
	}

	/** The instances named {@code name}, or {@code null} (404) when there is none. */
	@ReadOperation
	@Nullable
	public InstanceDescriptor instance(@Selector String name) {
		CircuitBreakerDescriptor circuitBreaker = this.registry.findCircuitBreaker(name)
			.map(CircuitBreakerDescriptor::of)
			.orElse(null);
		RetryDescriptor retry = find(this.registry.getRetries(), Retry::getName, name).map(RetryDescriptor::of)
			.orElse(null);
		BulkheadDescriptor bulkhead = find(this.registry.getBulkheads(), Bulkhead::getName, name)
			.map(BulkheadDescriptor::of)
			.orElse(null);
		List<Idempotency> idempotencies = this.registry.findIdempotencies(name);
		IdempotencyDescriptor idempotency = idempotencies.isEmpty() ? null : IdempotencyDescriptor.of(idempotencies);
		RateLimiterDescriptor rateLimiter = find(this.registry.getRateLimiters(), RateLimiter::getName, name)
			.map(RateLimiterDescriptor::of)
			.orElse(null);
		TimeoutDescriptor timeout = find(this.registry.getTimeouts(), Timeout::getName, name).map(TimeoutDescriptor::of)
			.orElse(null);
		HedgeDescriptor hedge = find(this.registry.getHedges(), Hedge::getName, name).map(HedgeDescriptor::of)
			.orElse(null);
		ChaosDescriptor chaos = (this.chaos != null) ? this.chaos.find(name).map(ChaosDescriptor::of).orElse(null)
				: null;
		if (circuitBreaker == null && retry == null && bulkhead == null && idempotency == null && rateLimiter == null
				&& timeout == null && hedge == null && chaos == null) {
			return null;
		}
		return new InstanceDescriptor(name, circuitBreaker, retry, bulkhead, idempotency, rateLimiter, timeout, hedge,
				chaos);
	}

	/**
	 * Moves the breaker named {@code name} to {@code state} ({@code FORCED_OPEN},
	 * {@code CLOSED} or {@code DISABLED}, in any case), if state changes are enabled and
	 * the breaker exists. Never creates a breaker.
	 */
	public StateChange changeCircuitBreakerState(String name, String state) {
		if (!this.stateChangesEnabled) {
			return new StateChange(StateChange.Result.DISABLED,
					"Circuit breaker state changes are disabled; set resilience.actuator.state-changes-enabled=true"
							+ " to allow them",
					null);
		}
		Optional<CircuitBreaker> found = this.registry.findCircuitBreaker(name);
		if (found.isEmpty()) {
			return new StateChange(StateChange.Result.NOT_FOUND, "No circuit breaker named '" + name + "'", null);
		}
		CircuitBreaker breaker = found.get();
		String target = (state != null) ? state.trim().toUpperCase(Locale.ROOT) : "";
		switch (target) {
			case "FORCED_OPEN" -> breaker.transitionToForcedOpenState();
			case "CLOSED" -> breaker.transitionToClosedState();
			case "DISABLED" -> breaker.transitionToDisabledState();
			default -> {
				return new StateChange(StateChange.Result.INVALID_STATE,
						"State '" + state + "' is not accepted for circuit breaker '" + name + "'; use one of "
								+ String.join(", ", ACCEPTED_STATES),
						null);
			}
		}
		return new StateChange(StateChange.Result.CHANGED, null, CircuitBreakerDescriptor.of(breaker));
	}

	/**
	 * Replaces the faults injected under {@code name} with those of {@code fields} (the
	 * keys of {@code resilience.chaos.instances.<name>}: {@code error-rate},
	 * {@code error}, {@code latency}, {@code latency-rate}; no key stops injection), if
	 * state changes are enabled, chaos is enabled, and an annotation uses the name.
	 * Values are checked as at startup. Never creates an instance.
	 */
	public ChaosChange changeChaos(String name, Map<String, ?> fields) {
		if (!this.stateChangesEnabled) {
			return new ChaosChange(ChaosChange.Result.DISABLED,
					"Chaos changes are disabled; set" + " resilience.actuator.state-changes-enabled=true to allow them",
					null, null);
		}
		if (this.chaos == null) {
			return new ChaosChange(ChaosChange.Result.CHAOS_DISABLED,
					"Chaos injection is not enabled; set resilience.chaos.enabled=true and restart to use it", null,
					null);
		}
		Optional<Chaos> found = this.chaos.find(name);
		if (found.isEmpty()) {
			return new ChaosChange(ChaosChange.Result.NOT_FOUND,
					"No annotated method uses an instance named '" + name + "'", null, null);
		}
		ChaosConfig config;
		try {
			config = readChaos(fields);
		}
		catch (InvalidResiliencePropertyException ex) {
			return new ChaosChange(ChaosChange.Result.INVALID, ex.getMessage(), ex.getPropertyName(), null);
		}
		Chaos instance = found.get();
		instance.changeConfig(config);
		return new ChaosChange(ChaosChange.Result.CHANGED, null, null, ChaosDescriptor.of(instance));
	}

	private ChaosConfig readChaos(Map<String, ?> fields) {
		for (String field : fields.keySet()) {
			if (!CHAOS_FIELDS.contains(field)) {
				throw new InvalidResiliencePropertyException(field, fields.get(field),
						"is not a chaos setting; use " + String.join(", ", CHAOS_FIELDS));
			}
		}
		Double errorRate = number(fields, "error-rate");
		Object error = fields.get("error");
		Duration latency = duration(fields, "latency");
		Double latencyRate = number(fields, "latency-rate");
		return ChaosConfigurations.read("", errorRate, (error != null) ? error.toString() : null, latency, latencyRate,
				(this.classLoader != null) ? this.classLoader : getClass().getClassLoader());
	}

	private static Double number(Map<String, ?> fields, String field) {
		Object value = fields.get(field);
		if (value == null) {
			return null;
		}
		if (value instanceof Number number) {
			return number.doubleValue();
		}
		try {
			return Double.valueOf(value.toString().trim());
		}
		catch (NumberFormatException ex) {
			throw new InvalidResiliencePropertyException(field, value, "must be a number in [0, 1]", ex);
		}
	}

	private static Duration duration(Map<String, ?> fields, String field) {
		Object value = fields.get(field);
		if (value == null) {
			return null;
		}
		try {
			return DurationStyle.detectAndParse(value.toString().trim());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidResiliencePropertyException(field, value, "must be a duration such as 200ms, 2s or PT0.2S",
					ex);
		}
	}

	private static <T> Optional<T> find(Iterable<T> instances, Function<T, String> nameOf, String name) {
		for (T instance : instances) {
			if (nameOf.apply(instance).equals(name)) {
				return Optional.of(instance);
			}
		}
		return Optional.empty();
	}

	static String format(Duration duration) {
		return DurationFormat.inSecondsOrFiner(duration);
	}

	static String format(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	static List<String> format(List<Class<? extends Throwable>> types) {
		return types.stream().map(Class::getName).toList();
	}

	/** Every instance, each kind keyed by instance name. */
	public record ResilienceDescriptor(Map<String, CircuitBreakerDescriptor> circuitBreakers,
			Map<String, RetryDescriptor> retries, Map<String, BulkheadDescriptor> bulkheads,
			Map<String, IdempotencyDescriptor> idempotency, Map<String, RateLimiterDescriptor> rateLimiters,
			Map<String, TimeoutDescriptor> timeouts, Map<String, HedgeDescriptor> hedges,
			@JsonInclude(JsonInclude.Include.NON_NULL) Map<String, ChaosDescriptor> chaos) {
	}

	/** The instances that share one name; kinds without such an instance are left out. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record InstanceDescriptor(String name, CircuitBreakerDescriptor circuitBreaker, RetryDescriptor retry,
			BulkheadDescriptor bulkhead, IdempotencyDescriptor idempotency, RateLimiterDescriptor rateLimiter,
			TimeoutDescriptor timeout, HedgeDescriptor hedge, ChaosDescriptor chaos) {
	}

	/**
	 * A breaker's live state, the counts of its current window, the slow-call threshold
	 * it learned ({@code adaptive-slow-call}: milliseconds rounded up, {@code null} when
	 * off or not learned yet), and its configuration.
	 */
	public record CircuitBreakerDescriptor(String state, float failureRate, float slowCallRate, int bufferedCalls,
			int failedCalls, int slowCalls, long notPermittedCalls, @Nullable String learnedSlowCallThreshold,
			Map<String, Object> config) {

		static CircuitBreakerDescriptor of(CircuitBreaker breaker) {
			CircuitBreaker.State state = breaker.getState();
			CircuitBreaker.Metrics metrics = breaker.getMetrics();
			CircuitBreakerConfig config = breaker.getConfig();
			Map<String, Object> settings = new LinkedHashMap<>();
			settings.put("sliding-window-type", format(config.getSlidingWindowType()));
			settings.put("sliding-window-size", config.getSlidingWindowSize());
			settings.put("minimum-number-of-calls", config.getMinimumNumberOfCalls());
			settings.put("failure-rate-threshold", config.getFailureRateThreshold());
			settings.put("consecutive-failure-threshold", config.getConsecutiveFailureThreshold());
			settings.put("slow-call-duration-threshold", format(config.getSlowCallDurationThreshold()));
			settings.put("slow-call-rate-threshold", config.getSlowCallRateThreshold());
			settings.put("wait-duration-in-open-state", format(config.getWaitDurationInOpenState()));
			settings.put("permitted-number-of-calls-in-half-open-state",
					config.getPermittedNumberOfCallsInHalfOpenState());
			settings.put("max-wait-duration-in-half-open-state", format(config.getMaxWaitDurationInHalfOpenState()));
			settings.put("record-exceptions", format(config.getRecordExceptions()));
			settings.put("ignore-exceptions", format(config.getIgnoreExceptions()));
			settings.put("adaptive-slow-call.enabled", config.isAdaptiveSlowCallEnabled());
			settings.put("adaptive-slow-call.quantile", config.getAdaptiveSlowCallQuantile());
			settings.put("adaptive-slow-call.factor", config.getAdaptiveSlowCallFactor());
			settings.put("adaptive-slow-call.min-threshold", format(config.getAdaptiveSlowCallMinThreshold()));
			return new CircuitBreakerDescriptor(state.name(), metrics.getFailureRate(), metrics.getSlowCallRate(),
					metrics.getNumberOfBufferedCalls(), metrics.getNumberOfFailedCalls(),
					metrics.getNumberOfSlowCalls(), metrics.getNumberOfNotPermittedCalls(),
					ResilienceHealth.learnedSlowCallThreshold(metrics), settings);
		}

	}

	/** A retry's counters since it was created, and its configuration. */
	public record RetryDescriptor(long successfulWithoutRetry, long successfulWithRetry, long failedWithRetry,
			long failedWithoutRetry, long retryAttempts, long budgetExhausted, Map<String, Object> config) {

		static RetryDescriptor of(Retry retry) {
			Retry.Metrics metrics = retry.getMetrics();
			RetryConfig config = retry.getConfig();
			Map<String, Object> settings = new LinkedHashMap<>();
			settings.put("max-attempts", config.getMaxAttempts());
			settings.put("wait-duration", format(config.getWaitDuration()));
			settings.put("backoff", format(config.getBackoff()));
			settings.put("multiplier", config.getMultiplier());
			settings.put("max-wait-duration", format(config.getMaxWaitDuration()));
			settings.put("jitter", format(config.getJitter()));
			settings.put("retry-exceptions", format(config.getRetryExceptions()));
			settings.put("ignore-exceptions", format(config.getIgnoreExceptions()));
			RetryConfig.BudgetConfig budget = config.getBudget();
			Map<String, Object> budgetSettings = new LinkedHashMap<>();
			budgetSettings.put("enabled", budget.isEnabled());
			if (budget.isEnabled()) {
				budgetSettings.put("ratio", budget.getRatio());
				budgetSettings.put("min-retries-per-second", budget.getMinRetriesPerSecond());
				budgetSettings.put("window", format(budget.getWindow()));
			}
			settings.put("budget", budgetSettings);
			return new RetryDescriptor(metrics.getNumberOfSuccessfulCallsWithoutRetryAttempt(),
					metrics.getNumberOfSuccessfulCallsWithRetryAttempt(),
					metrics.getNumberOfFailedCallsWithRetryAttempt(),
					metrics.getNumberOfFailedCallsWithoutRetryAttempt(), metrics.getNumberOfRetryAttempts(),
					metrics.getNumberOfBudgetExhaustedCalls(), settings);
		}

	}

	/** A bulkhead's occupancy, refusals, and configuration. */
	public record BulkheadDescriptor(String type, int availableConcurrentCalls, int maxConcurrentCalls, int limit,
			long rejectedCalls, Map<String, Object> config) {

		static BulkheadDescriptor of(Bulkhead bulkhead) {
			Bulkhead.Metrics metrics = bulkhead.getMetrics();
			BulkheadConfig config = bulkhead.getConfig();
			Map<String, Object> settings = new LinkedHashMap<>();
			settings.put("type", format(config.getType()));
			if (config.getType() == BulkheadConfig.Type.SEMAPHORE) {
				settings.put("max-concurrent-calls", config.getMaxConcurrentCalls());
				settings.put("max-wait-duration", format(config.getMaxWaitDuration()));
			}
			else if (config.getType() == BulkheadConfig.Type.ADAPTIVE) {
				settings.put("algorithm", format(config.getAlgorithm()));
				settings.put("min-limit", config.getMinLimit());
				settings.put("max-limit", config.getMaxLimit());
				settings.put("initial-limit", config.getInitialLimit());
				settings.put("max-wait-duration", format(config.getMaxWaitDuration()));
			}
			else {
				Map<String, Object> pool = new LinkedHashMap<>();
				pool.put("core-size", config.getCoreSize());
				pool.put("max-size", config.getMaxSize());
				pool.put("queue-capacity", config.getQueueCapacity());
				pool.put("keep-alive", format(config.getKeepAlive()));
				settings.put("thread-pool", pool);
			}
			return new BulkheadDescriptor(format(config.getType()), metrics.getAvailableConcurrentCalls(),
					metrics.getMaxAllowedConcurrentCalls(), metrics.getLimit(), metrics.getNumberOfRejectedCalls(),
					settings);
		}

	}

	/**
	 * A rate limiter's scope ({@code instance} or {@code cluster}), permits left in the
	 * current period (negative while calls wait for later ones; for a cluster limiter, as
	 * its store said at its last decision), its decisions since it was created, whether
	 * its store answers (always {@code true} for an instance limiter), and its
	 * configuration.
	 */
	public record RateLimiterDescriptor(String scope, int availablePermissions, long permittedCalls, long rejectedCalls,
			long storeUnavailableCalls, boolean storeAvailable, Map<String, Object> config) {

		static RateLimiterDescriptor of(RateLimiter rateLimiter) {
			RateLimiter.Metrics metrics = rateLimiter.getMetrics();
			RateLimiterConfig config = rateLimiter.getConfig();
			String scope = config.getScope().name().toLowerCase(Locale.ROOT);
			Map<String, Object> settings = new LinkedHashMap<>();
			settings.put("limit-for-period", config.getLimitForPeriod());
			settings.put("limit-refresh-period", format(config.getLimitRefreshPeriod()));
			settings.put("timeout-duration", format(config.getTimeoutDuration()));
			settings.put("scope", scope);
			if (config.getScope() == RateLimiterConfig.Scope.CLUSTER) {
				settings.put("on-store-unavailable", config.getOnStoreUnavailable().name().toLowerCase(Locale.ROOT));
				settings.put("store-timeout", format(config.getStoreTimeout()));
			}
			return new RateLimiterDescriptor(scope, metrics.getAvailablePermissions(),
					metrics.getNumberOfPermittedCalls(), metrics.getNumberOfRejectedCalls(),
					metrics.getNumberOfStoreUnavailableCalls(), metrics.isStoreAvailable(), settings);
		}

	}

	/** A timeout's calls since it was created, by outcome, and its configuration. */
	public record TimeoutDescriptor(long successfulCalls, long failedCalls, long timedOutCalls,
			Map<String, Object> config) {

		static TimeoutDescriptor of(Timeout timeout) {
			Timeout.Metrics metrics = timeout.getMetrics();
			TimeoutConfig config = timeout.getConfig();
			Map<String, Object> settings = new LinkedHashMap<>();
			settings.put("duration", format(config.getDuration()));
			settings.put("interrupt", config.isInterrupt());
			return new TimeoutDescriptor(metrics.getNumberOfSuccessfulCalls(), metrics.getNumberOfFailedCalls(),
					metrics.getNumberOfTimedOutCalls(), settings);
		}

	}

	/**
	 * A hedge's calls since it was created, by outcome, the hedged attempts it sent, the
	 * delay a call starting now would wait (the learned one, with a delay quantile), and
	 * its configuration.
	 */
	public record HedgeDescriptor(long primaryWonCalls, long hedgeWonCalls, long failedCalls, long budgetExhaustedCalls,
			long hedgedAttempts, String currentDelay, Map<String, Object> config) {

		static HedgeDescriptor of(Hedge hedge) {
			Hedge.Metrics metrics = hedge.getMetrics();
			HedgeConfig config = hedge.getConfig();
			Map<String, Object> settings = new LinkedHashMap<>();
			settings.put("delay", format(config.getDelay()));
			settings.put("delay-quantile",
					config.getDelayQuantile().isPresent() ? config.getDelayQuantile().getAsDouble() : null);
			settings.put("max-hedged-attempts", config.getMaxHedgedAttempts());
			settings.put("budget.ratio", config.getBudgetRatio());
			settings.put("budget.window", format(config.getBudgetWindow()));
			return new HedgeDescriptor(metrics.getNumberOfPrimaryWonCalls(), metrics.getNumberOfHedgeWonCalls(),
					metrics.getNumberOfFailedCalls(), metrics.getNumberOfBudgetExhaustedCalls(),
					metrics.getNumberOfHedgedAttempts(), format(hedge.getCurrentDelay()), settings);
		}

	}

	/**
	 * The idempotency instances of one name: the class of the store they keep records in,
	 * the namespaces that keep some of them apart (one per default-named method: its
	 * class, name and parameter types; none for the instance the name alone namespaces),
	 * and the configuration they share.
	 */
	public record IdempotencyDescriptor(String store, List<String> namespaces, Map<String, Object> config) {

		static IdempotencyDescriptor of(Collection<Idempotency> instances) {
			Idempotency first = instances.iterator().next();
			List<String> namespaces = instances.stream()
				.map(Idempotency::getNamespace)
				.filter(Objects::nonNull)
				.sorted()
				.toList();
			IdempotencyConfig config = first.getConfig();
			Map<String, Object> settings = new LinkedHashMap<>();
			settings.put("ttl", format(config.getTtl()));
			settings.put("in-progress-timeout", format(config.getInProgressTimeout()));
			settings.put("on-in-progress", format(config.getOnInProgress()));
			settings.put("in-progress-wait", format(config.getInProgressWait()));
			settings.put("store-fallback-results", config.isStoreFallbackResults());
			settings.put("key-prefix", config.getKeyPrefix());
			settings.put("max-key-length", config.getMaxKeyLength());
			return new IdempotencyDescriptor(first.getStore().getClass().getName(), namespaces, settings);
		}

	}

	/**
	 * The faults a chaos instance injects now, with the keys of YAML, and what it has
	 * injected since startup.
	 */
	public record ChaosDescriptor(long injectedErrors, long injectedLatencies, Map<String, Object> config) {

		static ChaosDescriptor of(Chaos chaos) {
			ChaosConfig config = chaos.getConfig();
			Map<String, Object> settings = new LinkedHashMap<>();
			settings.put("error-rate", config.getErrorRate());
			settings.put("error", config.getError().getName());
			settings.put("latency", format(config.getLatency()));
			settings.put("latency-rate", config.getLatencyRate());
			Chaos.Metrics metrics = chaos.getMetrics();
			return new ChaosDescriptor(metrics.getNumberOfInjectedErrors(), metrics.getNumberOfInjectedLatencies(),
					settings);
		}

	}

	/** What {@link #changeChaos} did. */
	public record ChaosChange(Result result, @Nullable String message, @Nullable String field,
			@Nullable ChaosDescriptor chaos) {

		/** Outcomes of a chaos change request. */
		public enum Result {

			/** The instance injects the requested faults from its next call on. */
			CHANGED,

			/** State changes are disabled; nothing changed. */
			DISABLED,

			/** Chaos injection is not enabled; nothing changed. */
			CHAOS_DISABLED,

			/** No annotated method uses that name; nothing was created. */
			NOT_FOUND,

			/** A field is unknown or its value is not accepted; nothing changed. */
			INVALID

		}

	}

	/** What {@link #changeCircuitBreakerState} did. */
	public record StateChange(Result result, @Nullable String message,
			@Nullable CircuitBreakerDescriptor circuitBreaker) {

		/** Outcomes of a state change request. */
		public enum Result {

			/** The breaker is now in the requested state. */
			CHANGED,

			/** State changes are disabled; nothing changed. */
			DISABLED,

			/** No breaker has that name; nothing was created. */
			NOT_FOUND,

			/** The requested state is not one the endpoint accepts; nothing changed. */
			INVALID_STATE

		}

	}

}
