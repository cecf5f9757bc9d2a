package dev.resilience.spring.autoconfigure;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.IdempotencyConfig.OnInProgress;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.retry.RetryConfig;
import dev.resilience.spring.autoconfigure.ResilienceProperties.Health.CircuitOpenStatus;
import dev.resilience.spring.autoconfigure.ResilienceProperties.Idempotency.Scope;
import dev.resilience.spring.autoconfigure.ResilienceProperties.Idempotency.StoreType;
import dev.resilience.timeout.TimeoutConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ResiliencePropertiesTests {

	private final ResilienceProperties properties = new ResilienceProperties();

	@ParameterizedTest(name = "{0}")
	@ValueSource(classes = { CircuitBreakerSettings.class, CircuitBreakerSettings.AdaptiveSlowCall.class,
			RetrySettings.class, RetrySettings.Budget.class, BulkheadSettings.class, BulkheadSettings.ThreadPool.class,
			RateLimiterSettings.class, TimeoutSettings.class, IdempotencySettings.class })
	void unboundSettingsHoldNoValueSoThatInstancesInheritAndDefaultsComeFromTheEngine(Class<?> type) throws Exception {
		Object settings = type.getConstructor().newInstance();
		int keys = 0;
		for (Method getter : type.getMethods()) {
			boolean isGroup = getter.getReturnType().getDeclaringClass() == type;
			if (getter.getName().startsWith("get") && getter.getParameterCount() == 0
					&& getter.getDeclaringClass() == type && !isGroup) {
				assertThat(getter.invoke(settings)).as(type.getSimpleName() + "." + getter.getName()).isNull();
				keys++;
			}
		}
		assertThat(keys).isPositive();
	}

	@Test
	void instanceInheritsEveryKeyItLeavesUnsetFromDefaults() {
		ResilienceConfigurations configurations = configurations(
				Map.of("resilience.circuit-breaker.defaults.failure-rate-threshold", "30",
						"resilience.circuit-breaker.defaults.sliding-window-size", "50",
						"resilience.circuit-breaker.instances.inventory.sliding-window-size", "40",
						"resilience.retry.defaults.max-attempts", "5", "resilience.retry.defaults.budget.ratio", "0.5",
						"resilience.retry.instances.inventory.budget.window", "30s",
						"resilience.bulkhead.defaults.thread-pool.core-size", "2",
						"resilience.bulkhead.instances.inventory.thread-pool.max-size", "3",
						"resilience.idempotency.defaults.ttl", "1h",
						"resilience.idempotency.instances.payments.in-progress-wait", "2s"));
		CircuitBreakerConfig breaker = configurations.circuitBreaker("inventory");
		assertThat(breaker.getFailureRateThreshold()).isEqualTo(30);
		assertThat(breaker.getSlidingWindowSize()).isEqualTo(40);
		assertThat(breaker.getMinimumNumberOfCalls()).isEqualTo(CircuitBreakerConfig.DEFAULT_MINIMUM_NUMBER_OF_CALLS);
		assertThat(configurations.circuitBreaker("other").getSlidingWindowSize()).isEqualTo(50);
		RetryConfig retry = configurations.retry("inventory");
		assertThat(retry.getMaxAttempts()).isEqualTo(5);
		assertThat(retry.getBudget().getRatio()).isEqualTo(0.5);
		assertThat(retry.getBudget().getWindow()).isEqualTo(Duration.ofSeconds(30));
		assertThat(configurations.retry("other").getBudget().getWindow())
			.isEqualTo(RetryConfig.BudgetConfig.DEFAULT_WINDOW);
		BulkheadConfig bulkhead = configurations.bulkhead("inventory");
		assertThat(bulkhead.getCoreSize()).isEqualTo(2);
		assertThat(bulkhead.getMaxSize()).isEqualTo(3);
		assertThat(bulkhead.getQueueCapacity()).isEqualTo(BulkheadConfig.DEFAULT_QUEUE_CAPACITY);
		IdempotencyConfig idempotency = configurations.idempotency("payments");
		assertThat(idempotency.getTtl()).isEqualTo(Duration.ofHours(1));
		assertThat(idempotency.getInProgressWait()).isEqualTo(Duration.ofSeconds(2));
		assertThat(idempotency.getInProgressTimeout()).isEqualTo(IdempotencyConfig.DEFAULT_IN_PROGRESS_TIMEOUT);
	}

	@Test
	void instanceListReplacesTheDefaultsList() {
		ResilienceConfigurations configurations = configurations(Map.of("resilience.retry.defaults.retry-exceptions",
				"java.io.IOException", "resilience.retry.instances.inventory.retry-exceptions",
				"java.util.concurrent.TimeoutException", "resilience.retry.instances.other.max-attempts", "2"));
		assertThat(configurations.retry("inventory").getRetryExceptions())
			.containsExactly(java.util.concurrent.TimeoutException.class);
		assertThat(configurations.retry("other").getRetryExceptions()).containsExactly(java.io.IOException.class);
	}

	@Test
	void disabledBudgetIsInheritedButItsOtherKeysAreStillChecked() {
		ResilienceConfigurations configurations = configurations(
				Map.of("resilience.retry.defaults.budget.enabled", "false"));
		assertThat(configurations.retry("any").getBudget().isEnabled()).isFalse();
		assertThatExceptionOfType(InvalidResiliencePropertyException.class)
			.isThrownBy(() -> configurations(Map.of("resilience.retry.defaults.budget.enabled", "false",
					"resilience.retry.instances.inventory.budget.ratio", "2")))
			.satisfies((ex) -> assertThat(ex.getPropertyName())
				.isEqualTo("resilience.retry.instances.inventory.budget.ratio"));
	}

	private static ResilienceConfigurations configurations(Map<String, String> values) {
		ResilienceProperties properties = new Binder(new MapConfigurationPropertySource(values))
			.bindOrCreate("resilience", ResilienceProperties.class);
		return new ResilienceConfigurations(properties);
	}

	@Test
	void defaultsEqualEngineDefaults() {
		ResilienceConfigurations configurations = new ResilienceConfigurations(this.properties);
		// toString lists every field of the engine configs, so this also catches a key
		// added to the engine but not to the properties.
		assertThat(configurations.circuitBreaker("any")).hasToString(CircuitBreakerConfig.ofDefaults().toString());
		assertThat(configurations.retry("any")).hasToString(RetryConfig.ofDefaults().toString());
		assertThat(configurations.bulkhead("any")).hasToString(BulkheadConfig.ofDefaults().toString());
		assertThat(configurations.rateLimiter("any")).hasToString(RateLimiterConfig.ofDefaults().toString());
		assertThat(configurations.timeout("any")).hasToString(TimeoutConfig.ofDefaults().toString());
	}

	@Test
	void rateLimiterAndTimeoutInstancesInheritEveryKeyTheyLeaveUnsetFromDefaults() {
		ResilienceConfigurations configurations = configurations(Map.of(
				"resilience.rate-limiter.defaults.limit-for-period", "10",
				"resilience.rate-limiter.defaults.timeout-duration", "100ms",
				"resilience.rate-limiter.instances.orders.limit-refresh-period", "1m",
				"resilience.rate-limiter.instances.orders.limit-for-period", "3",
				"resilience.timeout.defaults.duration", "5s", "resilience.timeout.instances.inventory.interrupt",
				"false", "resilience.timeout.instances.search.duration", "250ms"));
		RateLimiterConfig orders = configurations.rateLimiter("orders");
		assertThat(orders.getLimitForPeriod()).isEqualTo(3);
		assertThat(orders.getLimitRefreshPeriod()).isEqualTo(Duration.ofMinutes(1));
		assertThat(orders.getTimeoutDuration()).isEqualTo(Duration.ofMillis(100));
		RateLimiterConfig other = configurations.rateLimiter("other");
		assertThat(other.getLimitForPeriod()).isEqualTo(10);
		assertThat(other.getLimitRefreshPeriod()).isEqualTo(RateLimiterConfig.DEFAULT_LIMIT_REFRESH_PERIOD);
		TimeoutConfig inventory = configurations.timeout("inventory");
		assertThat(inventory.getDuration()).isEqualTo(Duration.ofSeconds(5));
		assertThat(inventory.isInterrupt()).isFalse();
		TimeoutConfig search = configurations.timeout("search");
		assertThat(search.getDuration()).isEqualTo(Duration.ofMillis(250));
		assertThat(search.isInterrupt()).isTrue();
		assertThat(configurations.rateLimiterInstanceNames()).containsExactly("orders");
		assertThat(configurations.timeoutInstanceNames()).containsExactlyInAnyOrder("inventory", "search");
	}

	@Test
	void zeroDurationsAndLimitsNameTheLayerThatSetThem() {
		assertThatExceptionOfType(InvalidResiliencePropertyException.class)
			.isThrownBy(() -> configurations(Map.of("resilience.timeout.defaults.duration", "0s")))
			.satisfies((ex) -> assertThat(ex.getPropertyName()).isEqualTo("resilience.timeout.defaults.duration"));
		assertThatExceptionOfType(InvalidResiliencePropertyException.class)
			.isThrownBy(() -> configurations(Map.of("resilience.rate-limiter.instances.orders.limit-for-period", "0")))
			.satisfies((ex) -> assertThat(ex.getPropertyName())
				.isEqualTo("resilience.rate-limiter.instances.orders.limit-for-period"));
	}

	@Test
	void idempotencyAndOtherDefaultsEqualTheSpecification() {
		ResilienceProperties.Idempotency idempotency = this.properties.getIdempotency();
		assertThat(idempotency.getStore()).isEqualTo(StoreType.MEMORY);
		assertThat(idempotency.getKeyPrefix()).isEqualTo("resilience:idem");
		assertThat(idempotency.getMaxKeyLength()).isEqualTo(255);
		assertThat(idempotency.getScope()).isEqualTo(Scope.PRINCIPAL);
		IdempotencyConfig effective = new ResilienceConfigurations(this.properties).idempotency("any");
		assertThat(effective.getTtl()).isEqualTo(Duration.ofHours(24));
		assertThat(effective.getInProgressTimeout()).isEqualTo(Duration.ofSeconds(60));
		assertThat(effective.getOnInProgress()).isEqualTo(OnInProgress.REJECT);
		assertThat(effective.getInProgressWait()).isEqualTo(Duration.ofSeconds(5));
		assertThat(effective).usingRecursiveComparison().isEqualTo(IdempotencyConfig.ofDefaults());
		assertThat(idempotency.getMemory().getMaximumSize()).isEqualTo(MemoryIdempotencyStore.DEFAULT_MAXIMUM_SIZE);
		assertThat(idempotency.getMemory().getMaximumMemory().toBytes())
			.isEqualTo(MemoryIdempotencyStore.DEFAULT_MAXIMUM_MEMORY);
		assertThat(idempotency.getJdbc().getTableName()).isEqualTo("resilience_idempotency");
		assertThat(idempotency.getJdbc().getInitializeSchema()).isEqualTo(DatabaseInitializationMode.EMBEDDED);
		assertThat(this.properties.getHealth().getCircuitOpenStatus()).isEqualTo(CircuitOpenStatus.UP);
		assertThat(this.properties.getActuator().isStateChangesEnabled()).isFalse();
	}

}
