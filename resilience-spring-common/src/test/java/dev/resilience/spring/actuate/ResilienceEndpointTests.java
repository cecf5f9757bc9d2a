package dev.resilience.spring.actuate;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilience.ResilienceRegistry;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.spring.actuate.ResilienceEndpoint.StateChange.Result;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceEndpointAutoConfiguration;
import dev.resilience.spring.testsupport.StubPolicies;
import dev.resilience.timeout.TimeoutConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class ResilienceEndpointTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ResilienceAutoConfiguration.class, ResilienceEndpointAutoConfiguration.class));

	@Test
	void endpointExistsOnlyWhenExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ResilienceEndpoint.class)
			.doesNotHaveBean(ResilienceEndpointWebExtension.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=resilience")
			.run((context) -> assertThat(context).hasSingleBean(ResilienceEndpoint.class)
				.hasSingleBean(ResilienceEndpointWebExtension.class));
	}

	@Test
	void stateChangesAreDisabledByDefaultAndChangeNothing() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=resilience").run((context) -> {
			CircuitBreaker breaker = context.getBean(ResilienceRegistry.class).circuitBreaker("inventory");

			ResilienceEndpoint.StateChange change = context.getBean(ResilienceEndpoint.class)
				.changeCircuitBreakerState("inventory", "FORCED_OPEN");

			assertThat(change.result()).isEqualTo(Result.DISABLED);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		});
	}

	@Test
	void unknownNameIsNotFoundAndNothingIsCreated() {
		ResilienceRegistry registry = ResilienceRegistry.ofDefaults();
		ResilienceEndpoint endpoint = new ResilienceEndpoint(registry, true);

		assertThat(endpoint.changeCircuitBreakerState("ghost", "CLOSED").result()).isEqualTo(Result.NOT_FOUND);
		assertThat(endpoint.instance("ghost")).isNull();
		assertThat(endpoint.resilience().circuitBreakers()).isEmpty();
		assertThat(registry.findCircuitBreaker("ghost")).isEmpty();
	}

	@Test
	void instanceShowsOnlyTheKindsThatExistUnderTheName() {
		ResilienceRegistry registry = ResilienceRegistry.ofDefaults();
		registry.retry("inventory");
		ResilienceEndpoint endpoint = new ResilienceEndpoint(registry, false);

		ResilienceEndpoint.InstanceDescriptor instance = endpoint.instance("inventory");

		assertThat(instance.retry()).isNotNull();
		assertThat(instance.circuitBreaker()).isNull();
		assertThat(instance.bulkhead()).isNull();
		assertThat(instance.retry().config()).containsEntry("max-attempts", 3).containsEntry("backoff", "exponential");
	}

	@Test
	void idempotencyInstancesAreListedByNameWithTheirStoreNamespacesAndConfiguration() {
		ResilienceRegistry registry = ResilienceRegistry.builder()
			.idempotencyConfigs((name) -> name.equals("payments") ? IdempotencyConfig.custom()
				.ttl(Duration.ofMinutes(10))
				.inProgressTimeout(Duration.ofSeconds(30))
				.onInProgress(IdempotencyConfig.OnInProgress.WAIT)
				.inProgressWait(Duration.ofMillis(1500))
				.storeFallbackResults(true)
				.build() : IdempotencyConfig.ofDefaults())
			.build();
		registry.idempotency("payments");
		registry.idempotency("Ledger.record", "com.example.cash.Ledger.record(java.lang.String)");
		registry.idempotency("Ledger.record", "com.example.card.Ledger.record(java.lang.String)");
		ResilienceEndpoint endpoint = new ResilienceEndpoint(registry, false);

		Map<String, ResilienceEndpoint.IdempotencyDescriptor> all = endpoint.resilience().idempotency();

		assertThat(all).containsOnlyKeys("payments", "Ledger.record");
		ResilienceEndpoint.IdempotencyDescriptor payments = all.get("payments");
		assertThat(payments.store()).isEqualTo(MemoryIdempotencyStore.class.getName());
		assertThat(payments.namespaces()).isEmpty();
		assertThat(payments.config()).containsExactly(entry("ttl", "600s"), entry("in-progress-timeout", "30s"),
				entry("on-in-progress", "wait"), entry("in-progress-wait", "1500ms"),
				entry("store-fallback-results", true), entry("key-prefix", "resilience:idem"),
				entry("max-key-length", 255));
		assertThat(all.get("Ledger.record").namespaces()).containsExactly(
				"com.example.card.Ledger.record(java.lang.String)", "com.example.cash.Ledger.record(java.lang.String)");
		assertThat(all.get("Ledger.record").config()).containsEntry("ttl", "86400s")
			.containsEntry("on-in-progress", "reject");
	}

	@Test
	void nameUsedOnlyByIdempotencyIsFoundAndShowsOnlyThatKind() {
		ResilienceRegistry registry = ResilienceRegistry.ofDefaults();
		registry.idempotency("payments");
		ResilienceEndpoint endpoint = new ResilienceEndpoint(registry, false);

		ResilienceEndpoint.InstanceDescriptor instance = endpoint.instance("payments");

		assertThat(instance).isNotNull();
		assertThat(instance.circuitBreaker()).isNull();
		assertThat(instance.retry()).isNull();
		assertThat(instance.bulkhead()).isNull();
		assertThat(instance.idempotency().store()).isEqualTo(MemoryIdempotencyStore.class.getName());
		assertThat(instance.idempotency().config()).containsEntry("ttl", "86400s");
		assertThat(endpoint.instance("refunds")).isNull();
		assertThat(registry.findIdempotencies("refunds")).as("reading creates nothing").isEmpty();
	}

	@Test
	void rateLimiterDescriptorShowsPermitsDecisionsAndConfigurationAsInYaml() {
		RateLimiterConfig config = RateLimiterConfig.custom()
			.limitForPeriod(10)
			.limitRefreshPeriod(Duration.ofMinutes(1))
			.timeoutDuration(Duration.ofMillis(250))
			.build();

		ResilienceEndpoint.RateLimiterDescriptor descriptor = ResilienceEndpoint.RateLimiterDescriptor
			.of(StubPolicies.rateLimiter("orders", config, -2, 40, 7));

		assertThat(descriptor.availablePermissions()).as("negative while calls wait").isEqualTo(-2);
		assertThat(descriptor.permittedCalls()).isEqualTo(40);
		assertThat(descriptor.rejectedCalls()).isEqualTo(7);
		assertThat(descriptor.scope()).isEqualTo("instance");
		assertThat(descriptor.storeUnavailableCalls()).isZero();
		assertThat(descriptor.storeAvailable()).isTrue();
		assertThat(descriptor.config()).containsExactly(entry("limit-for-period", 10),
				entry("limit-refresh-period", "60s"), entry("timeout-duration", "250ms"), entry("scope", "instance"));
	}

	@Test
	void timeoutDescriptorShowsCallsByOutcomeAndConfigurationAsInYaml() {
		TimeoutConfig config = TimeoutConfig.custom().duration(Duration.ofMillis(1500)).interrupt(false).build();

		ResilienceEndpoint.TimeoutDescriptor descriptor = ResilienceEndpoint.TimeoutDescriptor
			.of(StubPolicies.timeout("inventory", config, 12, 3, 2));

		assertThat(descriptor.successfulCalls()).isEqualTo(12);
		assertThat(descriptor.failedCalls()).isEqualTo(3);
		assertThat(descriptor.timedOutCalls()).isEqualTo(2);
		assertThat(descriptor.config()).containsExactly(entry("duration", "1500ms"), entry("interrupt", false));
	}

	@Test
	void rateLimitersAndTimeoutsDeclaredInConfigurationAreListedFromStartup() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=resilience",
					"resilience.rate-limiter.instances.orders.limit-for-period=5",
					"resilience.timeout.instances.inventory.duration=2s")
			.run((context) -> {
				ResilienceEndpoint endpoint = context.getBean(ResilienceEndpoint.class);

				ResilienceEndpoint.ResilienceDescriptor all = endpoint.resilience();

				assertThat(all.rateLimiters()).containsOnlyKeys("orders");
				assertThat(all.rateLimiters().get("orders").availablePermissions()).isEqualTo(5);
				assertThat(all.rateLimiters().get("orders").config()).containsEntry("limit-for-period", 5)
					.containsEntry("limit-refresh-period", "1s")
					.containsEntry("timeout-duration", "0s");
				assertThat(all.timeouts()).containsOnlyKeys("inventory");
				assertThat(all.timeouts().get("inventory").config()).containsEntry("duration", "2s")
					.containsEntry("interrupt", true);
			});
	}

	@Test
	void instanceShowsARateLimiterAndATimeoutSharingTheName() {
		ResilienceRegistry registry = ResilienceRegistry.ofDefaults();
		registry.rateLimiter("inventory");
		registry.timeout("inventory");
		ResilienceEndpoint endpoint = new ResilienceEndpoint(registry, false);

		ResilienceEndpoint.InstanceDescriptor instance = endpoint.instance("inventory");

		assertThat(instance.rateLimiter().config()).containsEntry("limit-for-period", 50);
		assertThat(instance.timeout().config()).containsEntry("duration", "1s");
		assertThat(instance.circuitBreaker()).isNull();
		assertThat(instance.retry()).isNull();
		assertThat(instance.bulkhead()).isNull();
		assertThat(instance.idempotency()).isNull();
	}

}
