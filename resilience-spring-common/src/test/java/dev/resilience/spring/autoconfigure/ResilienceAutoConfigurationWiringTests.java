package dev.resilience.spring.autoconfigure;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilience.ContextPropagator;
import dev.resilience.Resilience;
import dev.resilience.ResilienceRegistry;
import dev.resilience.Ticker;
import dev.resilience.annotation.Retry;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.spring.context.MicrometerContextPropagator;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

class ResilienceAutoConfigurationWiringTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

	@Test
	void registryIsBuiltFromTheBoundConfiguration() {
		this.runner.withPropertyValues("resilience.circuit-breaker.instances.inventory.failure-rate-threshold=30")
			.run((context) -> {
				ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
				assertThat(registry.circuitBreaker("inventory").getConfig().getFailureRateThreshold()).isEqualTo(30f);
				assertThat(context.getBean(Resilience.class).getRegistry()).isSameAs(registry);
			});
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnRegistry() {
		ResilienceRegistry own = ResilienceRegistry.ofDefaults();
		this.runner.withBean(ResilienceRegistry.class, () -> own)
			.run((context) -> assertThat(context.getBean(ResilienceRegistry.class)).isSameAs(own));
	}

	@Test
	void usesTheApplicationsTickerBean() {
		FakeTicker ticker = new FakeTicker();
		this.runner.withBean(Ticker.class, () -> ticker)
			.run((context) -> assertThat(context.getBean(ResilienceRegistry.class).getTicker()).isSameAs(ticker));
	}

	@Test
	void appliesRegistryCustomizers() {
		this.runner
			.withBean(ResilienceRegistryCustomizer.class,
					() -> (builder) -> builder.circuitBreakerConfigs(
							(name) -> CircuitBreakerConfig.custom().failureRateThreshold(12).build()))
			.run((context) -> assertThat(context.getBean(ResilienceRegistry.class)
				.circuitBreaker("any")
				.getConfig()
				.getFailureRateThreshold()).isEqualTo(12f));
	}

	@Test
	void propagatesContextWithMicrometerWhenPresent() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(MicrometerContextPropagator.class);
			assertThat(context.getBean(ResilienceRegistry.class).getContextPropagator())
				.isSameAs(context.getBean(ContextPropagator.class));
		});
	}

	@Test
	void propagatesNothingWithoutMicrometerContextPropagation() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.context"))
			.run((context) -> assertThat(context.getBean(ResilienceRegistry.class).getContextPropagator())
				.isSameAs(ContextPropagator.NONE));
	}

	@Test
	void asynchronousRetryRunsWithTheCallersMdc() {
		this.runner
			.withPropertyValues("resilience.retry.defaults.wait-duration=5ms", "resilience.retry.defaults.jitter=none")
			.withBean(FlakyAsync.class)
			.run((context) -> {
				FlakyAsync flaky = context.getBean(FlakyAsync.class);
				MDC.put("requestId", "req-7");
				try {
					assertThat(flaky.call().get(30, TimeUnit.SECONDS)).isEqualTo("req-7");
				}
				finally {
					MDC.clear();
				}
				assertThat(flaky.attemptThreads()).as("the retry ran on the scheduler's thread, not the caller's")
					.doesNotContain(Thread.currentThread().getName());
			});
	}

	/** Fails its first attempt; the retried attempt reports the MDC value it sees. */
	public static class FlakyAsync {

		private final AtomicInteger attempts = new AtomicInteger();

		private final java.util.List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

		@Retry(name = "flaky")
		public CompletableFuture<String> call() {
			if (this.attempts.incrementAndGet() > 1) {
				this.threads.add(Thread.currentThread().getName());
			}
			if (this.attempts.get() == 1) {
				return CompletableFuture.failedFuture(new IllegalStateException("first attempt fails"));
			}
			return CompletableFuture.completedFuture(MDC.get("requestId"));
		}

		public java.util.List<String> attemptThreads() {
			return this.threads;
		}

	}

}
