package dev.resilience.spring.hedge;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Hedge;
import dev.resilience.annotation.Retry;
import dev.resilience.spring.actuate.ResilienceEndpoint;
import dev.resilience.spring.aop.ResilienceAnnotationException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceRegistryCustomizer;
import dev.resilience.spring.metrics.ResilienceMeterBinder;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Hedge} on annotated beans, on fake time: a {@code CompletableFuture} and a
 * {@code Mono} method are hedged after the delay, the first success wins, and a losing
 * attempt is cancelled so that its bulkhead permit comes back and the breaker records
 * nothing for it; a synchronous or {@code Flux} method fails startup naming the method
 * and what is supported; metrics and the endpoint show the hedge.
 */
class HedgeAnnotationTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
		.withBean(ResilienceRegistryCustomizer.class,
				() -> (builder) -> builder.ticker(this.ticker).scheduler(this.scheduler))
		.withPropertyValues("resilience.hedge.instances.catalog.delay=50ms",
				"resilience.hedge.instances.catalog.budget.ratio=1",
				"resilience.bulkhead.instances.catalog.max-concurrent-calls=2",
				"resilience.circuit-breaker.instances.catalog.sliding-window-size=10",
				"resilience.circuit-breaker.instances.catalog.minimum-number-of-calls=10");

	@Test
	void completableFutureMethodIsHedgedAfterTheDelayAndTheLoserIsCancelled() {
		this.runner.withBean(Catalog.class).run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			CompletableFuture<String> result = catalog.price("sku");
			assertThat(catalog.futures()).hasSize(1);
			this.scheduler.advance(Duration.ofMillis(49));
			assertThat(catalog.futures()).hasSize(1);
			this.scheduler.advance(Duration.ofMillis(1));
			assertThat(catalog.futures()).hasSize(2);
			assertThat(registry.bulkhead("catalog").getMetrics().getAvailableConcurrentCalls()).isZero();
			catalog.futures().get(1).complete("hedge");
			assertThat(result).isCompletedWithValue("hedge");
			assertThat(catalog.futures().get(0)).isCancelled();
			assertThat(registry.bulkhead("catalog").getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
			assertThat(registry.circuitBreaker("catalog").getMetrics().getNumberOfBufferedCalls()).isEqualTo(1);
			assertThat(registry.circuitBreaker("catalog").getMetrics().getNumberOfFailedCalls()).isZero();
			assertThat(registry.hedge("catalog").getMetrics().getNumberOfHedgeWonCalls()).isEqualTo(1);
		});
	}

	@Test
	void monoMethodIsHedgedAndTheLosingSubscriptionIsCancelled() {
		this.runner.withBean(Catalog.class).run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			CompletableFuture<String> result = catalog.stock("sku").toFuture();
			assertThat(catalog.subscriptions()).hasValue(1);
			this.scheduler.advance(Duration.ofMillis(50));
			assertThat(catalog.subscriptions()).hasValue(2);
			assertThat(registry.bulkhead("catalog").getMetrics().getAvailableConcurrentCalls()).isZero();
			catalog.answers().get(1).complete("hedge");
			assertThat(result).isCompletedWithValue("hedge");
			assertThat(catalog.cancelled()).hasValue(1);
			assertThat(registry.bulkhead("catalog").getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
			assertThat(registry.circuitBreaker("catalog").getMetrics().getNumberOfBufferedCalls()).isEqualTo(1);
			assertThat(this.scheduler.pendingTasks()).isZero();
		});
	}

	@Test
	void subscriberCancellingAHedgedMonoCancelsEveryAttempt() {
		this.runner.withBean(Catalog.class).run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			var subscription = catalog.stock("sku").subscribe();
			this.scheduler.advance(Duration.ofMillis(50));
			assertThat(catalog.subscriptions()).hasValue(2);
			subscription.dispose();
			assertThat(catalog.cancelled()).hasValue(2);
			assertThat(this.scheduler.pendingTasks()).isZero();
		});
	}

	@Test
	void monoAttemptsThatAllFailSignalTheLastError() {
		this.runner.withBean(Catalog.class).run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			CompletableFuture<String> result = catalog.stock("sku").toFuture();
			this.scheduler.advance(Duration.ofMillis(50));
			IllegalStateException last = new IllegalStateException("second");
			catalog.answers().get(0).completeExceptionally(new IllegalStateException("first"));
			catalog.answers().get(1).completeExceptionally(last);
			assertThat(result).isCompletedExceptionally();
			Throwable failure = result.handle((value, thrown) -> thrown).join();
			assertThat((failure instanceof CompletionException) ? failure.getCause() : failure).isSameAs(last);
		});
	}

	@Test
	void synchronousMethodWithHedgeFailsStartupNamingTheMethodAndTheSupportedTypes() {
		this.runner.withBean(SyncHedge.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessage("@Hedge on SyncHedge.price(String): a hedge runs attempts side by side and needs an"
						+ " asynchronous result, but the method returns String; @Hedge works on methods returning"
						+ " CompletionStage, CompletableFuture or Mono, or on Kotlin suspend functions"));
	}

	@Test
	void fluxMethodWithHedgeFailsStartupNamingTheMethod() {
		this.runner.withBean(FluxHedge.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessageStartingWith("@Hedge on FluxHedge.prices(): a Flux cannot be hedged")
				.hasMessageContaining("CompletionStage, CompletableFuture or Mono"));
	}

	@Test
	void retryOutsideTheHedgeRetriesTheHedgedCallAsAWhole() {
		this.runner.withBean(Catalog.class)
			.withPropertyValues("resilience.retry.instances.catalog.max-attempts=2",
					"resilience.retry.instances.catalog.wait-duration=10ms",
					"resilience.retry.instances.catalog.jitter=none",
					"resilience.retry.instances.catalog.backoff=fixed")
			.run((context) -> {
				Catalog catalog = context.getBean(Catalog.class);
				CompletableFuture<String> result = catalog.retriedPrice();
				catalog.futures().get(0).completeExceptionally(new IllegalStateException("down"));
				this.scheduler.advance(Duration.ofMillis(10));
				assertThat(catalog.futures()).as("the retry's new hedged call").hasSize(2);
				catalog.futures().get(1).complete("retried");
				assertThat(result).isCompletedWithValue("retried");
			});
	}

	@Test
	void metricsCountHedgeCallsByKindUnderTheName() {
		this.runner.withBean(Catalog.class).run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			MeterRegistry meters = new SimpleMeterRegistry();
			new ResilienceMeterBinder(context.getBean(ResilienceRegistry.class)).bindTo(meters);
			catalog.price("sku");
			catalog.futures().get(0).complete("primary");
			List<String> kinds = meters.find("resilience.hedge.calls")
				.tag("name", "catalog")
				.functionCounters()
				.stream()
				.map((counter) -> counter.getId().getTag("kind"))
				.sorted()
				.toList();
			assertThat(kinds).containsExactly("budget_exhausted", "failed", "hedge_won", "primary_won");
			FunctionCounter primaryWon = meters.find("resilience.hedge.calls")
				.tags("name", "catalog", "kind", "primary_won")
				.functionCounter();
			assertThat(primaryWon.count()).isEqualTo(1.0);
		});
	}

	@Test
	void endpointListsTheHedgeWithItsConfigurationAndCounts() {
		this.runner.withBean(Catalog.class)
			.withPropertyValues("resilience.hedge.instances.catalog.delay-quantile=0.95",
					"resilience.hedge.instances.catalog.max-hedged-attempts=2")
			.run((context) -> {
				Catalog catalog = context.getBean(Catalog.class);
				catalog.price("sku");
				catalog.futures().get(0).complete("primary");
				ResilienceEndpoint endpoint = new ResilienceEndpoint(context.getBean(ResilienceRegistry.class), false);
				ResilienceEndpoint.HedgeDescriptor hedge = endpoint.resilience().hedges().get("catalog");
				assertThat(hedge.primaryWonCalls()).isEqualTo(1);
				assertThat(hedge.currentDelay()).isEqualTo("50ms");
				assertThat(hedge.config()).containsEntry("delay", "50ms")
					.containsEntry("delay-quantile", 0.95)
					.containsEntry("max-hedged-attempts", 2)
					.containsEntry("budget.ratio", 1.0)
					.containsEntry("budget.window", "10s");
				assertThat(endpoint.instance("catalog").hedge()).isNotNull();
			});
	}

	@Test
	void declaredHedgeExistsFromStartup() {
		this.runner.withPropertyValues("resilience.hedge.instances.declared.delay=1s")
			.run((context) -> assertThat(context.getBean(ResilienceRegistry.class).getHedges())
				.extracting(dev.resilience.hedge.Hedge::getName)
				.contains("declared", "catalog"));
	}

	public static class Catalog {

		final List<CompletableFuture<String>> futures = new CopyOnWriteArrayList<>();

		final List<CompletableFuture<String>> answers = new CopyOnWriteArrayList<>();

		final AtomicInteger subscriptions = new AtomicInteger();

		final AtomicInteger cancelled = new AtomicInteger();

		/** Read through the proxy, which delegates to the bean. */
		public List<CompletableFuture<String>> futures() {
			return this.futures;
		}

		public List<CompletableFuture<String>> answers() {
			return this.answers;
		}

		public AtomicInteger subscriptions() {
			return this.subscriptions;
		}

		public AtomicInteger cancelled() {
			return this.cancelled;
		}

		@Hedge(name = "catalog")
		@CircuitBreaker(name = "catalog")
		@Bulkhead(name = "catalog")
		public CompletableFuture<String> price(String sku) {
			CompletableFuture<String> future = new CompletableFuture<>();
			this.futures.add(future);
			return future;
		}

		@Hedge(name = "catalog")
		@CircuitBreaker(name = "catalog")
		@Bulkhead(name = "catalog")
		public Mono<String> stock(String sku) {
			CompletableFuture<String> answer = new CompletableFuture<>();
			this.answers.add(answer);
			return Mono.fromFuture(answer, true)
				.doOnSubscribe((subscription) -> this.subscriptions.incrementAndGet())
				.doOnCancel(this.cancelled::incrementAndGet);
		}

		@Retry(name = "catalog")
		@Hedge(name = "catalog")
		public CompletableFuture<String> retriedPrice() {
			CompletableFuture<String> future = new CompletableFuture<>();
			this.futures.add(future);
			return future;
		}

	}

	public static class SyncHedge {

		@Hedge(name = "catalog")
		public String price(String sku) {
			return "1";
		}

	}

	public static class FluxHedge {

		@Hedge(name = "catalog")
		public Flux<String> prices() {
			return Flux.just("1");
		}

	}

}
