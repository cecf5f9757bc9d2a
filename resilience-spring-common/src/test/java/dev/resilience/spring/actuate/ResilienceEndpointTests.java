package dev.resilience.spring.actuate;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilience.ResilienceRegistry;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.spring.actuate.ResilienceEndpoint.StateChange.Result;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceEndpointAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

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

}
