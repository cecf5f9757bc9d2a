package dev.resilience.spring.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.IdempotencyConfig.OnInProgress;
import dev.resilience.retry.RetryConfig;
import dev.resilience.spring.autoconfigure.ResilienceProperties.Health.CircuitOpenStatus;
import dev.resilience.spring.autoconfigure.ResilienceProperties.Idempotency.Scope;
import dev.resilience.spring.autoconfigure.ResilienceProperties.Idempotency.StoreType;

import static org.assertj.core.api.Assertions.assertThat;

class ResilienceAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

	@Test
	void providesConfigurationsWithEngineDefaultsWhenNothingIsConfigured() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ResilienceConfigurations.class).hasSingleBean(ResilienceProperties.class);
			ResilienceConfigurations configurations = context.getBean(ResilienceConfigurations.class);
			assertThat(configurations.circuitBreaker("inventory").getFailureRateThreshold()).isEqualTo(50f);
			assertThat(configurations.circuitBreakerInstanceNames()).isEmpty();
		});
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnConfigurations() {
		this.runner.withUserConfiguration(UserConfigurations.class).run((context) -> {
			assertThat(context).hasSingleBean(ResilienceConfigurations.class);
			assertThat(context.getBean(ResilienceConfigurations.class)).isSameAs(UserConfigurations.INSTANCE);
		});
	}

	@Test
	void instanceOverridesOneKeyAndInheritsTheRestFromConfiguredDefaults() {
		this.runner
			.withPropertyValues("resilience.circuit-breaker.defaults.minimum-number-of-calls=5",
					"resilience.circuit-breaker.defaults.wait-duration-in-open-state=15s",
					"resilience.circuit-breaker.instances.inventory.failure-rate-threshold=30")
			.run((context) -> {
				ResilienceConfigurations configurations = context.getBean(ResilienceConfigurations.class);
				CircuitBreakerConfig inventory = configurations.circuitBreaker("inventory");
				assertThat(inventory.getFailureRateThreshold()).isEqualTo(30f);
				assertThat(inventory.getMinimumNumberOfCalls()).isEqualTo(5);
				assertThat(inventory.getWaitDurationInOpenState()).isEqualTo(Duration.ofSeconds(15));
				assertThat(inventory.getSlidingWindowSize()).isEqualTo(100);
			});
	}

	@Test
	void maxWaitDurationInHalfOpenStateIsTakenFromTheInstanceOverTheDefaults() {
		this.runner
			.withPropertyValues("resilience.circuit-breaker.defaults.max-wait-duration-in-half-open-state=30s",
					"resilience.circuit-breaker.instances.inventory.max-wait-duration-in-half-open-state=5s")
			.run((context) -> {
				ResilienceConfigurations configurations = context.getBean(ResilienceConfigurations.class);
				assertThat(configurations.circuitBreaker("inventory").getMaxWaitDurationInHalfOpenState())
					.isEqualTo(Duration.ofSeconds(5));
				assertThat(configurations.circuitBreaker("other").getMaxWaitDurationInHalfOpenState())
					.isEqualTo(Duration.ofSeconds(30));
			});
	}

	@Test
	void undeclaredNameGetsTheDefaults() {
		this.runner
			.withPropertyValues("resilience.circuit-breaker.defaults.failure-rate-threshold=40",
					"resilience.circuit-breaker.instances.inventory.failure-rate-threshold=30")
			.run((context) -> {
				ResilienceConfigurations configurations = context.getBean(ResilienceConfigurations.class);
				assertThat(configurations.circuitBreaker("payments").getFailureRateThreshold()).isEqualTo(40f);
				assertThat(configurations.circuitBreakerInstanceNames()).containsExactly("inventory");
			});
	}

	@Test
	void retryInstanceOverridesOneBudgetKeyAndInheritsTheOthers() {
		this.runner
			.withPropertyValues("resilience.retry.defaults.budget.window=30s",
					"resilience.retry.instances.inventory.budget.ratio=0.5",
					"resilience.retry.instances.inventory.max-attempts=5")
			.run((context) -> {
				RetryConfig inventory = context.getBean(ResilienceConfigurations.class).retry("inventory");
				assertThat(inventory.getMaxAttempts()).isEqualTo(5);
				assertThat(inventory.getWaitDuration()).isEqualTo(Duration.ofMillis(200));
				assertThat(inventory.getBudget().isEnabled()).isTrue();
				assertThat(inventory.getBudget().getRatio()).isEqualTo(0.5);
				assertThat(inventory.getBudget().getWindow()).isEqualTo(Duration.ofSeconds(30));
				assertThat(inventory.getBudget().getMinRetriesPerSecond()).isEqualTo(10);
			});
	}

	@Test
	void budgetDisabledInDefaultsCanBeEnabledPerInstance() {
		this.runner
			.withPropertyValues("resilience.retry.defaults.budget.enabled=false",
					"resilience.retry.instances.inventory.budget.enabled=true")
			.run((context) -> {
				ResilienceConfigurations configurations = context.getBean(ResilienceConfigurations.class);
				assertThat(configurations.retry("other").getBudget().isEnabled()).isFalse();
				assertThat(configurations.retry("inventory").getBudget().isEnabled()).isTrue();
			});
	}

	@Test
	void bulkheadInstanceOverridesOneThreadPoolKeyAndInheritsTheOthers() {
		this.runner
			.withPropertyValues("resilience.bulkhead.defaults.thread-pool.queue-capacity=7",
					"resilience.bulkhead.instances.recommendations.type=thread-pool",
					"resilience.bulkhead.instances.recommendations.thread-pool.max-size=16")
			.run((context) -> {
				ResilienceConfigurations configurations = context.getBean(ResilienceConfigurations.class);
				BulkheadConfig recommendations = configurations.bulkhead("recommendations");
				assertThat(recommendations.getType()).isEqualTo(BulkheadConfig.Type.THREAD_POOL);
				assertThat(recommendations.getMaxSize()).isEqualTo(16);
				assertThat(recommendations.getCoreSize()).isEqualTo(4);
				assertThat(recommendations.getQueueCapacity()).isEqualTo(7);
				assertThat(configurations.bulkhead("other").getType()).isEqualTo(BulkheadConfig.Type.SEMAPHORE);
				assertThat(configurations.bulkheadInstanceNames()).containsExactly("recommendations");
			});
	}

	@Test
	void idempotencyInstanceOverridesTtlAndInheritsTheRest() {
		this.runner
			.withPropertyValues("resilience.idempotency.defaults.on-in-progress=wait",
					"resilience.idempotency.instances.payments.ttl=1h",
					"resilience.idempotency.instances[PaymentService.charge].in-progress-wait=2s")
			.run((context) -> {
				ResilienceConfigurations configurations = context.getBean(ResilienceConfigurations.class);
				IdempotencyConfig payments = configurations.idempotency("payments");
				assertThat(payments.getTtl()).isEqualTo(Duration.ofHours(1));
				assertThat(payments.getInProgressTimeout()).isEqualTo(Duration.ofSeconds(60));
				assertThat(payments.getOnInProgress()).isEqualTo(OnInProgress.WAIT);
				assertThat(payments.getInProgressWait()).isEqualTo(Duration.ofSeconds(5));
				assertThat(configurations.idempotency("PaymentService.charge").getInProgressWait())
					.isEqualTo(Duration.ofSeconds(2));
				assertThat(configurations.idempotency("other").getTtl()).isEqualTo(Duration.ofHours(24));
				assertThat(configurations.idempotencyInstanceNames()).containsExactly("payments",
						"PaymentService.charge");
			});
	}

	@Test
	void exceptionListsBindFromClassNamesAndAnInstanceListReplacesTheDefaults() {
		this.runner.withPropertyValues("resilience.circuit-breaker.defaults.record-exceptions=java.io.IOException",
				"resilience.circuit-breaker.instances.inventory.record-exceptions[0]=java.util.concurrent.TimeoutException",
				"resilience.retry.defaults.ignore-exceptions=java.lang.IllegalArgumentException,java.io.IOException")
			.run((context) -> {
				ResilienceConfigurations configurations = context.getBean(ResilienceConfigurations.class);
				assertThat(configurations.circuitBreaker("other").getRecordExceptions())
					.containsExactly(IOException.class);
				assertThat(configurations.circuitBreaker("inventory").getRecordExceptions())
					.containsExactly(TimeoutException.class);
				assertThat(configurations.retry("other").getIgnoreExceptions())
					.isEqualTo(List.of(IllegalArgumentException.class, IOException.class));
			});
	}

	@Test
	void enumValuesBindFromTheirLowerCaseHyphenatedForm() {
		this.runner.withPropertyValues("resilience.circuit-breaker.defaults.sliding-window-type=time-based",
				"resilience.circuit-breaker.defaults.sliding-window-size=60", "resilience.retry.defaults.backoff=fixed",
				"resilience.retry.defaults.jitter=decorrelated", "resilience.idempotency.store=jdbc",
				"resilience.idempotency.scope=global", "resilience.idempotency.jdbc.initialize-schema=never",
				"resilience.health.circuit-open-status=out-of-service")
			.run((context) -> {
				ResilienceConfigurations configurations = context.getBean(ResilienceConfigurations.class);
				ResilienceProperties properties = context.getBean(ResilienceProperties.class);
				assertThat(configurations.circuitBreaker("x").getSlidingWindowType())
					.isEqualTo(SlidingWindowType.TIME_BASED);
				assertThat(configurations.retry("x").getBackoff()).isEqualTo(RetryConfig.Backoff.FIXED);
				assertThat(configurations.retry("x").getJitter()).isEqualTo(RetryConfig.Jitter.DECORRELATED);
				assertThat(properties.getIdempotency().getStore()).isEqualTo(StoreType.JDBC);
				assertThat(properties.getIdempotency().getScope()).isEqualTo(Scope.GLOBAL);
				assertThat(properties.getIdempotency().getJdbc().getInitializeSchema())
					.isEqualTo(DatabaseInitializationMode.NEVER);
				assertThat(properties.getHealth().getCircuitOpenStatus()).isEqualTo(CircuitOpenStatus.OUT_OF_SERVICE);
			});
	}

	@Test
	void specExampleYamlBindsEveryKey() {
		this.runner.withInitializer((context) -> {
			try {
				for (PropertySource<?> source : new YamlPropertySourceLoader().load("spec-example",
						new ClassPathResource("spec-example.yml"))) {
					context.getEnvironment().getPropertySources().addFirst(source);
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}).run((context) -> {
			assertThat(context).hasNotFailed();
			ResilienceConfigurations configurations = context.getBean(ResilienceConfigurations.class);
			assertThat(configurations.circuitBreaker("inventory").getFailureRateThreshold()).isEqualTo(30f);
			assertThat(configurations.idempotency("payments").getTtl()).isEqualTo(Duration.ofHours(1));
			assertThat(configurations.bulkhead("x").getKeepAlive()).isEqualTo(Duration.ofSeconds(20));
			assertThat(context.getBean(ResilienceProperties.class).getIdempotency().getKeyPrefix())
				.isEqualTo("resilience:idem");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserConfigurations {

		static final ResilienceConfigurations INSTANCE = new ResilienceConfigurations(new ResilienceProperties());

		@Bean
		ResilienceConfigurations userResilienceConfigurations() {
			return INSTANCE;
		}

	}

}
