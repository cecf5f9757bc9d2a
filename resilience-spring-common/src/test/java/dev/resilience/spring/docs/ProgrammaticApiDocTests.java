package dev.resilience.spring.docs;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.Resilience;
import dev.resilience.ResilienceRegistry;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadFullException;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerListener;
import dev.resilience.fallback.FallbackConfig;
import dev.resilience.retry.Retry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceConfigurations;
import dev.resilience.spring.autoconfigure.ResilienceRegistryCustomizer;
import dev.resilience.timeout.TimeoutExceededException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Runs the snippets of the programmatic API page (and of the migration guides that point
 * to it) against the auto-configured beans, so that the page stays true.
 */
class ProgrammaticApiDocTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
		.withPropertyValues("resilience.circuit-breaker.defaults.sliding-window-size=10",
				"resilience.circuit-breaker.defaults.minimum-number-of-calls=5",
				"resilience.circuit-breaker.instances.inventory.failure-rate-threshold=30",
				"resilience.retry.instances.inventory.wait-duration=1ms",
				"resilience.retry.instances.inventory.jitter=none",
				"resilience.bulkhead.instances.inventory.max-concurrent-calls=3",
				"resilience.bulkhead.instances.inventory-pool.type=thread-pool");

	@Test
	void looksUpTheInstancesTheAnnotationsUseWithoutCreatingOnFind() {
		this.runner.run((context) -> {
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			assertThat(registry.findCircuitBreaker("inventory")).as("declared in YAML: exists from startup")
				.isPresent();
			assertThat(registry.findCircuitBreaker("typo")).isEmpty();
			assertThat(registry.getCircuitBreakers()).extracting(CircuitBreaker::getName).doesNotContain("typo");
			assertThat(registry.circuitBreaker("inventory")).isSameAs(registry.findCircuitBreaker("inventory").get());
			assertThat(registry.bulkhead("inventory-pool").getConfig().getType().name()).isEqualTo("THREAD_POOL");
		});
	}

	@Test
	void forcesStatesAndResets() {
		this.runner.run((context) -> {
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			Resilience resilience = context.getBean(Resilience.class);
			Resilience.Policies policies = resilience.circuitBreaker("inventory");
			CircuitBreaker breaker = registry.circuitBreaker("inventory");
			breaker.transitionToOpenState();
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
			assertThatExceptionOfType(CallNotPermittedException.class).isThrownBy(() -> policies.get(() -> "x"));
			breaker.transitionToHalfOpenState();
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
			breaker.transitionToForcedOpenState();
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.FORCED_OPEN);
			breaker.transitionToDisabledState();
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.DISABLED);
			breaker.transitionToClosedState();
			breaker.transitionToOpenState();
			assertThatExceptionOfType(CallNotPermittedException.class).isThrownBy(() -> policies.get(() -> "x"));
			assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(2);
			registry.getCircuitBreakers().forEach(CircuitBreaker::reset);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
			assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isZero();
			assertThat(policies.<String>get(() -> "x")).isEqualTo("x");
		});
	}

	@Test
	void readsTheMetricsOfTheInstancesTheFunctionalStyleUses() {
		this.runner.run((context) -> {
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			Resilience.Policies policies = context.getBean(Resilience.class)
				.circuitBreaker("inventory")
				.bulkhead("inventory")
				.retry("inventory");
			AtomicInteger calls = new AtomicInteger();
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> policies.get(() -> {
				calls.incrementAndGet();
				throw new IllegalStateException("down");
			}));
			assertThat(calls).as("three attempts: the retry is outside the breaker").hasValue(3);
			CircuitBreaker.Metrics breaker = registry.circuitBreaker("inventory").getMetrics();
			assertThat(breaker.getNumberOfBufferedCalls()).isEqualTo(3);
			assertThat(breaker.getNumberOfFailedCalls()).isEqualTo(3);
			assertThat(breaker.getFailureRate()).as("fewer calls than minimum-number-of-calls").isEqualTo(-1f);
			Retry.Metrics retry = registry.retry("inventory").getMetrics();
			assertThat(retry.getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
			assertThat(retry.getNumberOfRetryAttempts()).isEqualTo(2);
			assertThat(policies.<String>get(() -> "ok")).isEqualTo("ok");
			assertThat(retry.getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(1);
			Bulkhead.Metrics bulkhead = registry.bulkhead("inventory").getMetrics();
			assertThat(bulkhead.getMaxAllowedConcurrentCalls()).isEqualTo(3);
			assertThat(bulkhead.getAvailableConcurrentCalls()).isEqualTo(3);
			assertThat(bulkhead.getNumberOfRejectedCalls()).isZero();
		});
	}

	@Test
	void asynchronousPoliciesRunOnTheThreadPoolBulkheadAndFallBackOnTheListedFailures() {
		this.runner.run((context) -> {
			Resilience resilience = context.getBean(Resilience.class);
			Resilience.Policies guarded = resilience.bulkhead("inventory-pool")
				.timeout("inventory")
				.circuitBreaker("inventory")
				.fallback((failure) -> "unknown", FallbackConfig.of(List.of(TimeoutExceededException.class,
						CallNotPermittedException.class, BulkheadFullException.class), List.of()));
			List<String> threads = new CopyOnWriteArrayList<>();
			CompletableFuture<String> answer = guarded.<String>getAsync(() -> {
				threads.add(Thread.currentThread().getName());
				return CompletableFuture.completedFuture("available");
			}).toCompletableFuture();
			assertThat(answer.join()).isEqualTo("available");
			assertThat(threads).singleElement().asString().startsWith("resilience-bulkhead-inventory-pool-");
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> resilience.bulkhead("inventory-pool").get(() -> "sync"));

			CompletableFuture<String> failed = guarded.<String>getAsync(() -> {
				throw new IllegalStateException("not a listed failure");
			}).toCompletableFuture();
			assertThatExceptionOfType(CompletionException.class).isThrownBy(failed::join)
				.withCauseInstanceOf(IllegalStateException.class);

			context.getBean(ResilienceRegistry.class).circuitBreaker("inventory").transitionToForcedOpenState();
			assertThat(guarded.<String>getAsync(() -> CompletableFuture.completedFuture("available"))
				.toCompletableFuture()
				.join()).isEqualTo("unknown");
		});
	}

	@Test
	void registryListenerBeanHearsOfExistingAndLaterInstances() {
		this.runner.withUserConfiguration(TransitionListenerConfiguration.class).run((context) -> {
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			List<String> transitions = context.getBean(TransitionListenerConfiguration.class).transitions;
			registry.circuitBreaker("inventory").transitionToOpenState();
			registry.circuitBreaker("created-later").transitionToForcedOpenState();
			assertThat(transitions).containsExactly("inventory: CLOSED -> OPEN (manual)",
					"created-later: CLOSED -> FORCED_OPEN (manual)");
		});
	}

	@Test
	void customizerChangesOneNameAndKeepsTheYamlOfEveryName() {
		this.runner.withUserConfiguration(WindowCustomizerConfiguration.class).run((context) -> {
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			assertThat(registry.circuitBreaker("inventory").getConfig().getSlidingWindowSize()).isEqualTo(100);
			assertThat(registry.circuitBreaker("inventory").getConfig().getFailureRateThreshold())
				.as("the instance's own YAML key")
				.isEqualTo(30f);
			assertThat(registry.circuitBreaker("inventory").getConfig().getMinimumNumberOfCalls())
				.as("the defaults' YAML key")
				.isEqualTo(5);
			assertThat(registry.circuitBreaker("other").getConfig().getSlidingWindowSize()).isEqualTo(10);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class TransitionListenerConfiguration {

		final List<String> transitions = new CopyOnWriteArrayList<>();

		@Bean
		ResilienceRegistry.RegistryListener breakerEventLogger(ResilienceRegistry registry) {
			ResilienceRegistry.RegistryListener listener = new ResilienceRegistry.RegistryListener() {
				@Override
				public void onCircuitBreakerAdded(CircuitBreaker circuitBreaker) {
					circuitBreaker.addListener(new CircuitBreakerListener() {
						@Override
						public void onStateTransition(CircuitBreaker breaker, CircuitBreaker.State from,
								CircuitBreaker.State to, String reason) {
							TransitionListenerConfiguration.this.transitions
								.add(breaker.getName() + ": " + from + " -> " + to + " (" + reason + ")");
						}
					});
				}
			};
			registry.addListener(listener);
			return listener;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WindowCustomizerConfiguration {

		@Bean
		ResilienceRegistryCustomizer inventoryWindow(ResilienceConfigurations configurations) {
			return (builder) -> builder.circuitBreakerConfigs((name) -> "inventory".equals(name)
					? configurations.circuitBreaker(name).toBuilder().slidingWindowSize(100).build()
					: configurations.circuitBreaker(name));
		}

	}

}
