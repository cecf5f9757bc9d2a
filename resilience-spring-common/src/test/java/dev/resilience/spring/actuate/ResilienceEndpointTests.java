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
import dev.resilience.spring.actuate.ResilienceEndpoint.StateChange.Result;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceEndpointAutoConfiguration;

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

}
