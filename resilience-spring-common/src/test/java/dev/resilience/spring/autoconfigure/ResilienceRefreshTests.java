package dev.resilience.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.Retry;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.ratelimiter.PermitStore;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.retry.RetryConfig;
import dev.resilience.spring.actuate.ResilienceEndpoint;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A real refresh with Spring Cloud Context: the application reads its
 * {@code application.properties} from a file, the test rewrites the file and calls
 * {@link ContextRefresher#refresh()}, which reloads it and publishes the keys that
 * changed. The running instances (the very same objects) take the change, or keep their
 * configuration when it is refused.
 */
@ExtendWith(OutputCaptureExtension.class)
class ResilienceRefreshTests {

	private static final String BASE = """
			resilience.circuit-breaker.instances.inventory.sliding-window-size=10
			resilience.circuit-breaker.instances.inventory.minimum-number-of-calls=4
			resilience.circuit-breaker.instances.inventory.failure-rate-threshold=80
			resilience.circuit-breaker.instances.payments.failure-rate-threshold=50
			resilience.retry.defaults.budget.enabled=false
			resilience.retry.defaults.jitter=none
			resilience.retry.instances.inventory.max-attempts=2
			resilience.bulkhead.instances.inventory.max-concurrent-calls=2
			resilience.bulkhead.instances.pool.type=thread-pool
			other.library.setting=one
			""";

	@TempDir
	Path directory;

	private ConfigurableApplicationContext context;

	private Path file;

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	private void start(String properties) throws IOException {
		this.file = this.directory.resolve("application.properties");
		Files.writeString(this.file, properties);
		this.context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.run("--spring.config.location=file:" + this.file, "--management.endpoints.web.exposure.include=*");
	}

	/** Rewrites the file and refreshes as {@code /actuator/refresh} does. */
	private Set<String> refresh(String properties) throws IOException {
		Files.writeString(this.file, properties);
		return this.context.getBean(ContextRefresher.class).refresh();
	}

	private ResilienceRegistry registry() {
		return this.context.getBean(ResilienceRegistry.class);
	}

	private static void record(CircuitBreaker breaker, int failures, int successes) {
		for (int i = 0; i < failures; i++) {
			breaker.acquirePermission();
			breaker.onError(0, new IOException("boom"));
		}
		for (int i = 0; i < successes; i++) {
			breaker.acquirePermission();
			breaker.onSuccess(0);
		}
	}

	@Test
	void breakerTakesTheNewFailureThresholdForItsNextCallsWithTheCallsAlreadyCounted() throws IOException {
		start(BASE);
		CircuitBreaker breaker = registry().circuitBreaker("inventory");
		record(breaker, 1, 3);
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		Set<String> changed = refresh(BASE.replace("failure-rate-threshold=80", "failure-rate-threshold=30"));
		assertThat(changed).contains("resilience.circuit-breaker.instances.inventory.failure-rate-threshold");
		assertThat(registry().circuitBreaker("inventory")).isSameAs(breaker);
		assertThat(breaker.getConfig().getFailureRateThreshold()).isEqualTo(30f);
		record(breaker, 1, 0);
		// 2 failures of 5 calls: 40% opens it under the new threshold, not under 80%.
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
	}

	@Test
	void openBreakerStaysOpenAfterItsThresholdChanges() throws IOException {
		start(BASE);
		CircuitBreaker breaker = registry().circuitBreaker("inventory");
		record(breaker, 4, 0);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		refresh(BASE.replace("failure-rate-threshold=80", "failure-rate-threshold=90"));
		assertThat(breaker.getConfig().getFailureRateThreshold()).isEqualTo(90f);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		assertThat(breaker.tryAcquirePermission()).isFalse();
	}

	@Test
	void annotatedMethodRetriesAsOftenAsTheNewMaxAttemptsSays() throws IOException {
		start(BASE);
		Inventory inventory = this.context.getBean(Inventory.class);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(inventory::reserve);
		assertThat(inventory.takeAttempts()).isEqualTo(2);
		refresh(BASE.replace("inventory.max-attempts=2", "inventory.max-attempts=4"));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(inventory::reserve);
		assertThat(inventory.takeAttempts()).isEqualTo(4);
	}

	@Test
	void changedDefaultsReachEveryInstanceOfTheirKind() throws IOException {
		start(BASE);
		refresh(BASE + "resilience.circuit-breaker.defaults.wait-duration-in-open-state=5s\n");
		assertThat(registry().circuitBreaker("inventory").getConfig().getWaitDurationInOpenState()).hasSeconds(5);
		assertThat(registry().circuitBreaker("payments").getConfig().getWaitDurationInOpenState()).hasSeconds(5);
	}

	@Test
	void invalidValueIsRefusedWithItsKeyLoggedAndTheOldConfigurationStays(CapturedOutput output) throws IOException {
		start(BASE);
		CircuitBreakerConfig breakerBefore = registry().circuitBreaker("inventory").getConfig();
		RetryConfig retryBefore = registry().retry("inventory").getConfig();
		// A valid change beside the invalid one is refused with it: all or nothing.
		refresh(BASE.replace("failure-rate-threshold=80", "failure-rate-threshold=150")
			.replace("inventory.max-attempts=2", "inventory.max-attempts=5"));
		assertThat(output).contains("Refused the change of")
			.contains("resilience.circuit-breaker.instances.inventory.failure-rate-threshold")
			.contains("150");
		assertThat(registry().circuitBreaker("inventory").getConfig()).isSameAs(breakerBefore);
		assertThat(registry().retry("inventory").getConfig()).isSameAs(retryBefore);
		Inventory inventory = this.context.getBean(Inventory.class);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(inventory::reserve);
		assertThat(inventory.takeAttempts()).isEqualTo(2);
	}

	@Test
	void unknownKeyIsRefusedAsAtStartup(CapturedOutput output) throws IOException {
		start(BASE);
		RetryConfig before = registry().retry("inventory").getConfig();
		// Spring Cloud's rebinding of the properties bean fails the refresh too, after
		// the change was refused here.
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> refresh(BASE + "resilience.retry.instances.inventory.max-atempts=5\n"))
			.withMessageContaining("ResilienceProperties");
		assertThat(output).contains("Refused the change of")
			.contains("resilience.retry.instances.inventory.max-atempts");
		assertThat(registry().retry("inventory").getConfig()).isSameAs(before);
	}

	@Test
	void aClusterRateLimiterNeedsARestartForAnyChange(CapturedOutput output) throws IOException {
		String cluster = BASE + "resilience.rate-limiter.instances.partner.scope=cluster\n"
				+ "resilience.rate-limiter.instances.partner.limit-for-period=5\n";
		start(cluster);
		RateLimiter partner = registry().rateLimiter("partner");
		refresh(cluster.replace("partner.limit-for-period=5", "partner.limit-for-period=6"));
		assertThat(output).contains("resilience.rate-limiter.instances.partner.limit-for-period needs a restart to"
				+ " apply: rate limiter 'partner' is of scope cluster");
		assertThat(registry().rateLimiter("partner")).isSameAs(partner);
		assertThat(partner.getConfig().getLimitForPeriod()).isEqualTo(5);
		assertThat(partner.getConfig().getScope()).isEqualTo(RateLimiterConfig.Scope.CLUSTER);
	}

	@Test
	void keyThatCannotApplyLiveIsRefusedAsNeedingARestart(CapturedOutput output) throws IOException {
		start(BASE);
		Bulkhead bulkhead = registry().bulkhead("inventory");
		CircuitBreakerConfig before = registry().circuitBreaker("inventory").getConfig();
		refresh(BASE
			.replace("resilience.bulkhead.instances.inventory.max-concurrent-calls=2",
					"resilience.bulkhead.instances.inventory.max-concurrent-calls=2\n"
							+ "resilience.bulkhead.instances.inventory.type=thread-pool")
			.replace("failure-rate-threshold=80", "failure-rate-threshold=30"));
		assertThat(output).contains("resilience.bulkhead.instances.inventory.type needs a restart to apply");
		assertThat(registry().bulkhead("inventory")).isSameAs(bulkhead);
		assertThat(bulkhead.getConfig().getType()).isEqualTo(BulkheadConfig.Type.SEMAPHORE);
		assertThat(registry().circuitBreaker("inventory").getConfig()).isSameAs(before);
	}

	@Test
	void semaphoreBulkheadTakesItsNewLimit() throws IOException {
		start(BASE);
		Bulkhead bulkhead = registry().bulkhead("inventory");
		refresh(BASE.replace("max-concurrent-calls=2", "max-concurrent-calls=7"));
		assertThat(bulkhead.getMetrics().getMaxAllowedConcurrentCalls()).isEqualTo(7);
		assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(7);
	}

	@Test
	void keysOfOtherLibrariesAndOtherInstancesLeaveAnInstanceUntouched() throws IOException {
		start(BASE);
		CircuitBreakerConfig inventoryBefore = registry().circuitBreaker("inventory").getConfig();
		RetryConfig retryBefore = registry().retry("inventory").getConfig();
		Set<String> changed = refresh(BASE.replace("other.library.setting=one", "other.library.setting=two")
			.replace("payments.failure-rate-threshold=50", "payments.failure-rate-threshold=20"));
		assertThat(changed).contains("other.library.setting");
		assertThat(registry().circuitBreaker("inventory").getConfig()).isSameAs(inventoryBefore);
		assertThat(registry().retry("inventory").getConfig()).isSameAs(retryBefore);
		assertThat(registry().circuitBreaker("payments").getConfig().getFailureRateThreshold()).isEqualTo(20f);
	}

	@Test
	void changeOfAnotherLibraryAloneReconfiguresNothing(CapturedOutput output) throws IOException {
		start(BASE);
		CircuitBreakerConfig before = registry().circuitBreaker("inventory").getConfig();
		refresh(BASE.replace("other.library.setting=one", "other.library.setting=two"));
		assertThat(registry().circuitBreaker("inventory").getConfig()).isSameAs(before);
		assertThat(output).doesNotContain("Applied the change of").doesNotContain("Refused the change of");
	}

	@Test
	void instanceCreatedAfterAChangeGetsTheNewConfiguration() throws IOException {
		start(BASE);
		refresh(BASE + "resilience.retry.instances.later.max-attempts=6\n");
		assertThat(registry().retry("later").getConfig().getMaxAttempts()).isEqualTo(6);
	}

	@Test
	void endpointShowsTheNewEffectiveConfiguration() throws IOException {
		start(BASE);
		refresh(BASE.replace("failure-rate-threshold=80", "failure-rate-threshold=30")
			.replace("inventory.max-attempts=2", "inventory.max-attempts=4"));
		ResilienceEndpoint.ResilienceDescriptor descriptor = this.context.getBean(ResilienceEndpoint.class)
			.resilience();
		Map<String, Object> breaker = descriptor.circuitBreakers().get("inventory").config();
		assertThat(breaker).containsEntry("failure-rate-threshold", 30f);
		assertThat(descriptor.retries().get("inventory").config()).containsEntry("max-attempts", 4);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ RefreshAutoConfiguration.class, ConfigurationPropertiesRebinderAutoConfiguration.class,
			ResilienceAutoConfiguration.class, ResilienceRefreshAutoConfiguration.class,
			ResilienceEndpointAutoConfiguration.class })
	static class Application {

		@Bean
		ResilienceRegistryCustomizer fakeTime() {
			FakeTicker ticker = new FakeTicker();
			FakeScheduler scheduler = new FakeScheduler(ticker);
			return (builder) -> builder.ticker(ticker).scheduler(scheduler);
		}

		@Bean
		Inventory inventory() {
			return new Inventory();
		}

		/** Keeps the permits of cluster-scope limiters; permits every call. */
		@Bean
		PermitStore permitStore() {
			return new PermitStore() {

				@Override
				public PermitDecision acquire(PermitRequest request) {
					return PermitDecision.permitted(0, request.limitForPeriod() - 1);
				}

				@Override
				public CompletionStage<PermitDecision> acquireAsync(PermitRequest request) {
					return CompletableFuture.completedFuture(acquire(request));
				}

			};
		}

	}

	static class Inventory {

		private final AtomicInteger attempts = new AtomicInteger();

		@Retry(name = "inventory")
		public String reserve() {
			this.attempts.incrementAndGet();
			throw new IllegalStateException("out of stock");
		}

		/** Attempts since the last call of this method (through the proxy). */
		public int takeAttempts() {
			return this.attempts.getAndSet(0);
		}

	}

}
