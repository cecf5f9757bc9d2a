package dev.resilience.spring.autoconfigure;

import java.time.Duration;

import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.retry.RetryConfig;
import dev.resilience.spring.autoconfigure.ResilienceProperties.Health.CircuitOpenStatus;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.idempotency.IdempotencyConfig.OnInProgress;
import dev.resilience.spring.autoconfigure.ResilienceProperties.Idempotency.Scope;
import dev.resilience.spring.autoconfigure.ResilienceProperties.Idempotency.StoreType;
import org.junit.jupiter.api.Test;

import org.springframework.boot.sql.init.DatabaseInitializationMode;

import static org.assertj.core.api.Assertions.assertThat;

class ResiliencePropertiesTests {

	private final ResilienceProperties properties = new ResilienceProperties();

	@Test
	void circuitBreakerDefaultsEqualEngineDefaults() {
		ResilienceProperties.CircuitBreaker.Defaults defaults = this.properties.getCircuitBreaker().getDefaults();
		CircuitBreakerConfig engine = CircuitBreakerConfig.ofDefaults();
		assertThat(defaults.getSlidingWindowType()).isEqualTo(engine.getSlidingWindowType());
		assertThat(defaults.getSlidingWindowSize()).isEqualTo(engine.getSlidingWindowSize());
		assertThat(defaults.getMinimumNumberOfCalls()).isEqualTo(engine.getMinimumNumberOfCalls());
		assertThat(defaults.getFailureRateThreshold()).isEqualTo(engine.getFailureRateThreshold());
		assertThat(defaults.getConsecutiveFailureThreshold()).isEqualTo(engine.getConsecutiveFailureThreshold());
		assertThat(defaults.getSlowCallDurationThreshold()).isEqualTo(engine.getSlowCallDurationThreshold());
		assertThat(defaults.getSlowCallRateThreshold()).isEqualTo(engine.getSlowCallRateThreshold());
		assertThat(defaults.getWaitDurationInOpenState()).isEqualTo(engine.getWaitDurationInOpenState());
		assertThat(defaults.getPermittedNumberOfCallsInHalfOpenState())
			.isEqualTo(engine.getPermittedNumberOfCallsInHalfOpenState());
		assertThat(defaults.getMaxWaitDurationInHalfOpenState())
			.isEqualTo(engine.getMaxWaitDurationInHalfOpenState());
		assertThat(defaults.getRecordExceptions()).isEqualTo(engine.getRecordExceptions());
		assertThat(defaults.getIgnoreExceptions()).isEqualTo(engine.getIgnoreExceptions());
	}

	@Test
	void retryDefaultsEqualEngineDefaults() {
		ResilienceProperties.Retry.Defaults defaults = this.properties.getRetry().getDefaults();
		RetryConfig engine = RetryConfig.ofDefaults();
		assertThat(defaults.getMaxAttempts()).isEqualTo(engine.getMaxAttempts());
		assertThat(defaults.getWaitDuration()).isEqualTo(engine.getWaitDuration());
		assertThat(defaults.getBackoff()).isEqualTo(engine.getBackoff());
		assertThat(defaults.getMultiplier()).isEqualTo(engine.getMultiplier());
		assertThat(defaults.getMaxWaitDuration()).isEqualTo(engine.getMaxWaitDuration());
		assertThat(defaults.getJitter()).isEqualTo(engine.getJitter());
		assertThat(defaults.getRetryExceptions()).isEqualTo(engine.getRetryExceptions());
		assertThat(defaults.getIgnoreExceptions()).isEqualTo(engine.getIgnoreExceptions());
		assertThat(defaults.getBudget().isEnabled()).isEqualTo(engine.getBudget().isEnabled());
		assertThat(defaults.getBudget().getRatio()).isEqualTo(engine.getBudget().getRatio());
		assertThat(defaults.getBudget().getMinRetriesPerSecond()).isEqualTo(engine.getBudget().getMinRetriesPerSecond());
		assertThat(defaults.getBudget().getWindow()).isEqualTo(engine.getBudget().getWindow());
	}

	@Test
	void bulkheadDefaultsEqualEngineDefaults() {
		ResilienceProperties.Bulkhead.Defaults defaults = this.properties.getBulkhead().getDefaults();
		BulkheadConfig engine = BulkheadConfig.ofDefaults();
		assertThat(defaults.getType()).isEqualTo(engine.getType());
		assertThat(defaults.getMaxConcurrentCalls()).isEqualTo(engine.getMaxConcurrentCalls());
		assertThat(defaults.getMaxWaitDuration()).isEqualTo(engine.getMaxWaitDuration());
		assertThat(defaults.getThreadPool().getCoreSize()).isEqualTo(engine.getCoreSize());
		assertThat(defaults.getThreadPool().getMaxSize()).isEqualTo(engine.getMaxSize());
		assertThat(defaults.getThreadPool().getQueueCapacity()).isEqualTo(engine.getQueueCapacity());
		assertThat(defaults.getThreadPool().getKeepAlive()).isEqualTo(engine.getKeepAlive());
	}

	@Test
	void defaultsEqualEngineDefaults() {
		ResilienceConfigurations configurations = new ResilienceConfigurations(this.properties);
		// toString lists every field of the engine configs, so this also catches a key added to the
		// engine but not to the properties.
		assertThat(configurations.circuitBreaker("any")).hasToString(CircuitBreakerConfig.ofDefaults().toString());
		assertThat(configurations.retry("any")).hasToString(RetryConfig.ofDefaults().toString());
		assertThat(configurations.bulkhead("any")).hasToString(BulkheadConfig.ofDefaults().toString());
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
