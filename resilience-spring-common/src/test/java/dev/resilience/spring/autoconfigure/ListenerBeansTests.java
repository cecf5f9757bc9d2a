package dev.resilience.spring.autoconfigure;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.annotation.Order;

import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadListener;
import dev.resilience.chaos.ChaosListener;
import dev.resilience.chaos.InjectedFaultException;
import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.circuitbreaker.CircuitBreakerListener;
import dev.resilience.fallback.FallbackListener;
import dev.resilience.hedge.Hedge;
import dev.resilience.hedge.HedgeListener;
import dev.resilience.hedge.HedgeOutcome;
import dev.resilience.idempotency.IdempotencyListener;
import dev.resilience.idempotency.IdempotencyOutcome;
import dev.resilience.idempotency.InvalidIdempotencyKeyException;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterListener;
import dev.resilience.ratelimiter.RateLimiterOutcome;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryListener;
import dev.resilience.retry.RetryOutcome;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.timeout.Timeout;
import dev.resilience.timeout.TimeoutListener;
import dev.resilience.timeout.TimeoutOutcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every listener bean is attached to every instance of its kind: those declared in the
 * configuration, those created after startup, each exactly once, in the beans' order, and
 * one that throws changes no call. Fake time: no event here waits for the clock.
 */
@ExtendWith(OutputCaptureExtension.class)
class ListenerBeansTests {

	private static final String[] DECLARED = {
			"resilience.circuit-breaker.instances.declared.wait-duration-in-open-state=30s",
			"resilience.retry.instances.declared.max-attempts=2",
			"resilience.bulkhead.instances.declared.max-concurrent-calls=1",
			"resilience.rate-limiter.instances.declared.limit-for-period=1",
			"resilience.timeout.instances.declared.duration=1s", "resilience.hedge.instances.declared.delay=1s" };

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
		.withBean(ResilienceRegistryCustomizer.class,
				() -> (builder) -> builder.ticker(this.ticker).scheduler(this.scheduler))
		.withPropertyValues("resilience.bulkhead.defaults.max-concurrent-calls=1",
				"resilience.rate-limiter.defaults.limit-for-period=1");

	@Test
	void aListenerBeanOfEachKindHearsTheInstancesDeclaredInTheConfiguration() {
		this.runner.withPropertyValues(DECLARED).withBean(AllKinds.class).run((context) -> {
			AllKinds listener = context.getBean(AllKinds.class);
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			// Declared instances exist from startup: these look them up, they create
			// nothing.
			assertThat(registry.getCircuitBreakers()).extracting("name").containsExactly("declared");

			driveEveryKind(registry, "declared");

			assertThat(listener.events).containsExactlyElementsOf(expectedEvents("declared"));
		});
	}

	@Test
	void aListenerBeanOfEachKindHearsInstancesCreatedAfterStartup() {
		this.runner.withBean(AllKinds.class).run((context) -> {
			AllKinds listener = context.getBean(AllKinds.class);
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			assertThat(registry.findCircuitBreaker("late")).isEmpty();

			driveEveryKind(registry, "late");

			assertThat(listener.events).containsExactlyElementsOf(expectedEvents("late"));
		});
	}

	@Test
	void withLazyInitializationListenerBeansStillHearInstancesCreatedInCode() {
		this.runner
			.withInitializer(
					(context) -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
			.withBean(AllKinds.class)
			.run((context) -> {
				ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);

				registry.circuitBreaker("late").transitionToForcedOpenState();

				assertThat(context.getBean(AllKinds.class).events).containsExactly("breaker late CLOSED->FORCED_OPEN");
			});
	}

	@Test
	void fallbackListenerBeansHearMethodsOfABeanCreatedAfterStartup() {
		this.runner.withUserConfiguration(LateFlaky.class)
			.withBean("fallbacks", FallbackListener.class, () -> new RecordingFallbacks())
			.run((context) -> {
				RecordingFallbacks fallbacks = (RecordingFallbacks) context.getBean("fallbacks");
				assertThat(fallbacks.events).isEmpty();

				assertThat(context.getBean(Flaky.class).call()).isEqualTo("fallback");

				assertThat(fallbacks.events).containsExactly("Flaky.call IllegalStateException");
			});
	}

	@Test
	void eachEventIsHeardExactlyOnceByABeanThatIsAlsoRegisteredByHand(CapturedOutput output) {
		// The transition logger is a CircuitBreakerListener bean that registers itself on
		// every breaker; the application's bean here is also registered by hand.
		this.runner.withPropertyValues(DECLARED).withBean(AllKinds.class).run((context) -> {
			AllKinds listener = context.getBean(AllKinds.class);
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			assertThat(context.getBeansOfType(CircuitBreakerListener.class)).hasSize(2)
				.containsKey("resilienceCircuitBreakerTransitionLogger");
			registry.circuitBreaker("declared").addListener(listener);
			registry.retry("declared").addListener(listener);

			driveEveryKind(registry, "declared");
			driveEveryKind(registry, "late");

			assertThat(listener.events)
				.containsExactlyElementsOf(concat(expectedEvents("declared"), expectedEvents("late")));
			assertThat(output.getOut().split("CircuitBreaker 'late' CLOSED -> FORCED_OPEN", -1)).hasSize(2);
		});
	}

	@Test
	void listenerBeansAreCalledInTheirOrderOnInstancesTheCustomizersConfigured() {
		this.runner.withUserConfiguration(OrderedListeners.class)
			.withBean("minimumCalls", ResilienceRegistryCustomizer.class, () -> (builder) -> builder
				.circuitBreakerConfigs(
						(name) -> CircuitBreakerConfig.custom().slidingWindowSize(2).minimumNumberOfCalls(2).build()))
			.run((context) -> {
				List<String> heard = OrderedListeners.heard(context);
				dev.resilience.circuitbreaker.CircuitBreaker breaker = context.getBean(ResilienceRegistry.class)
					.circuitBreaker("late");
				assertThat(breaker.getConfig().getMinimumNumberOfCalls()).isEqualTo(2);

				breaker.onError(0, new IllegalStateException());
				breaker.onError(0, new IllegalStateException());

				assertThat(heard).containsExactly("first FAILURE", "second FAILURE", "first FAILURE", "second FAILURE",
						"first CLOSED->OPEN", "second CLOSED->OPEN");
			});
	}

	@Test
	void aListenerBeanThatThrowsChangesNoCallAndTheNextBeanIsStillTold() {
		this.runner.withUserConfiguration(ThrowingListeners.class).withBean(Flaky.class).run((context) -> {
			ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
			ThrowingListeners.Recorder recorder = context.getBean(ThrowingListeners.Recorder.class);

			String breakerAnswer = registry.circuitBreaker("late").execute((argument) -> "ok", null);
			String retryAnswer = registry.retry("late").execute((argument) -> "ok", null);
			// Full: the throwing listener hears the refusal, the caller gets the refusal.
			assertThat(registry.bulkhead("late").tryAcquirePermission()).isTrue();
			assertThat(registry.bulkhead("late").tryAcquirePermission()).isFalse();
			assertThat(breakerAnswer).isEqualTo("ok");
			assertThat(retryAnswer).isEqualTo("ok");
			assertThat(registry.rateLimiter("late").tryAcquirePermission()).isTrue();
			assertThat(context.getBean(Flaky.class).call()).isEqualTo("fallback");

			assertThat(recorder.events).containsExactly("breaker SUCCESS", "retry SUCCESSFUL_WITHOUT_RETRY",
					"rate limiter PERMITTED", "fallback Flaky.call");
		});
	}

	@Test
	void lambdaAndGenericListenerBeansAreAttached() {
		this.runner.withUserConfiguration(LambdaListeners.class)
			.withBean(Flaky.class)
			.withPropertyValues("resilience.chaos.enabled=true", "resilience.chaos.instances.chaotic.error-rate=1")
			.withBean(Chaotic.class)
			.run((context) -> {
				List<String> heard = LambdaListeners.heard(context);
				ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);

				assertThat(context.getBean(Flaky.class).call()).isEqualTo("fallback");
				assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
					.isThrownBy(() -> registry.idempotency("late").validateKey(""));
				assertThatExceptionOfType(InjectedFaultException.class)
					.isThrownBy(() -> context.getBean(Chaotic.class).call());
				registry.timeout("late").record(TimeoutOutcome.TIMED_OUT, 5);

				assertThat(heard).containsExactly("fallback Flaky.call", "idempotency late INVALID_KEY",
						"chaos chaotic ERROR", "timeout late TIMED_OUT");
			});
	}

	/** One event of each kind on the instances named {@code name}, created if need be. */
	private static void driveEveryKind(ResilienceRegistry registry, String name) throws Throwable {
		dev.resilience.circuitbreaker.CircuitBreaker breaker = registry.circuitBreaker(name);
		breaker.execute((argument) -> "ok", null);
		breaker.transitionToForcedOpenState();
		Retry retry = registry.retry(name);
		retry.execute((argument) -> "ok", null);
		Bulkhead bulkhead = registry.bulkhead(name);
		assertThat(bulkhead.tryAcquirePermission()).isTrue();
		assertThat(bulkhead.tryAcquirePermission()).isFalse();
		bulkhead.releasePermission();
		RateLimiter rateLimiter = registry.rateLimiter(name);
		assertThat(rateLimiter.tryAcquirePermission()).isTrue();
		assertThat(rateLimiter.tryAcquirePermission()).isFalse();
		Timeout timeout = registry.timeout(name);
		timeout.record(TimeoutOutcome.SUCCESSFUL, 5);
		Hedge hedge = registry.hedge(name);
		assertThat(hedge.executeAsync((argument) -> CompletableFuture.completedFuture("ok"), null)
			.toCompletableFuture()
			.join()).isEqualTo("ok");
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> registry.idempotency(name).validateKey(""));
	}

	private static List<String> expectedEvents(String name) {
		return List.of("breaker " + name + " SUCCESS", "breaker " + name + " CLOSED->FORCED_OPEN",
				"retry " + name + " SUCCESSFUL_WITHOUT_RETRY 1", "bulkhead " + name + " rejected",
				"rate limiter " + name + " PERMITTED", "rate limiter " + name + " REJECTED",
				"timeout " + name + " SUCCESSFUL", "hedge " + name + " PRIMARY_WON",
				"idempotency " + name + " INVALID_KEY");
	}

	private static List<String> concat(List<String> first, List<String> second) {
		List<String> all = new java.util.ArrayList<>(first);
		all.addAll(second);
		return all;
	}

	/** A listener of every kind of instance, recording each event it hears. */
	static class AllKinds implements CircuitBreakerListener, RetryListener, BulkheadListener, RateLimiterListener,
			TimeoutListener, HedgeListener, IdempotencyListener {

		final List<String> events = new CopyOnWriteArrayList<>();

		@Override
		public void onStateTransition(dev.resilience.circuitbreaker.CircuitBreaker breaker,
				dev.resilience.circuitbreaker.CircuitBreaker.State from,
				dev.resilience.circuitbreaker.CircuitBreaker.State to, String reason) {
			this.events.add("breaker " + breaker.getName() + " " + from + "->" + to);
		}

		@Override
		public void onCallRecorded(dev.resilience.circuitbreaker.CircuitBreaker breaker, CallOutcome outcome,
				long durationNanos) {
			this.events.add("breaker " + breaker.getName() + " " + outcome);
		}

		@Override
		public void onOutcome(Retry retry, RetryOutcome outcome, int attempts) {
			this.events.add("retry " + retry.getName() + " " + outcome + " " + attempts);
		}

		@Override
		public void onCallRejected(String bulkheadName) {
			this.events.add("bulkhead " + bulkheadName + " rejected");
		}

		@Override
		public void onOutcome(RateLimiter rateLimiter, RateLimiterOutcome outcome) {
			this.events.add("rate limiter " + rateLimiter.getName() + " " + outcome);
		}

		@Override
		public void onOutcome(Timeout timeout, TimeoutOutcome outcome, long durationNanos) {
			this.events.add("timeout " + timeout.getName() + " " + outcome);
		}

		@Override
		public void onOutcome(Hedge hedge, HedgeOutcome outcome) {
			this.events.add("hedge " + hedge.getName() + " " + outcome);
		}

		@Override
		public void onOutcome(String name, IdempotencyOutcome outcome) {
			this.events.add("idempotency " + name + " " + outcome);
		}

	}

	static class RecordingFallbacks implements FallbackListener {

		final List<String> events = new CopyOnWriteArrayList<>();

		@Override
		public void onFallback(String method, Throwable failure) {
			this.events.add(method + " " + failure.getClass().getSimpleName());
		}

	}

	/** Always fails; its fallback answers. */
	public static class Flaky {

		@Fallback(method = "recover")
		public String call() {
			throw new IllegalStateException("down");
		}

		String recover() {
			return "fallback";
		}

	}

	/** Chaos fails every call under the name {@code chaotic}. */
	public static class Chaotic {

		@CircuitBreaker(name = "chaotic")
		public String call() {
			return "ran";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LateFlaky {

		@Bean
		@Lazy
		Flaky flaky() {
			return new Flaky();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderedListeners {

		@Bean
		List<String> heard() {
			return new CopyOnWriteArrayList<>();
		}

		@Bean
		@Order(2)
		CircuitBreakerListener second(List<String> heard) {
			return new Recording<>("second", heard);
		}

		@Bean
		@Order(1)
		CircuitBreakerListener first(List<String> heard) {
			return new Recording<>("first", heard);
		}

		@SuppressWarnings("unchecked")
		static List<String> heard(AssertableApplicationContext context) {
			return (List<String>) context.getBean("heard");
		}

		/** A generic listener class: a bean of it is found by its listener type. */
		static final class Recording<T> implements CircuitBreakerListener {

			private final T label;

			private final List<String> heard;

			Recording(T label, List<String> heard) {
				this.label = label;
				this.heard = heard;
			}

			@Override
			public void onCallRecorded(dev.resilience.circuitbreaker.CircuitBreaker breaker, CallOutcome outcome,
					long durationNanos) {
				this.heard.add(this.label + " " + outcome);
			}

			@Override
			public void onStateTransition(dev.resilience.circuitbreaker.CircuitBreaker breaker,
					dev.resilience.circuitbreaker.CircuitBreaker.State from,
					dev.resilience.circuitbreaker.CircuitBreaker.State to, String reason) {
				this.heard.add(this.label + " " + from + "->" + to);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ThrowingListeners {

		@Bean
		@Order(1)
		Throwing throwing() {
			return new Throwing();
		}

		@Bean
		@Order(2)
		Recorder recorder() {
			return new Recorder();
		}

		/** Throws from every callback. */
		static class Throwing implements CircuitBreakerListener, RetryListener, BulkheadListener, RateLimiterListener,
				FallbackListener {

			@Override
			public void onCallRecorded(dev.resilience.circuitbreaker.CircuitBreaker breaker, CallOutcome outcome,
					long durationNanos) {
				throw new IllegalStateException("listener bug");
			}

			@Override
			public void onOutcome(Retry retry, RetryOutcome outcome, int attempts) {
				throw new IllegalStateException("listener bug");
			}

			@Override
			public void onCallRejected(String bulkheadName) {
				throw new IllegalStateException("listener bug");
			}

			@Override
			public void onOutcome(RateLimiter rateLimiter, RateLimiterOutcome outcome) {
				throw new IllegalStateException("listener bug");
			}

			@Override
			public void onFallback(String method, Throwable failure) {
				throw new IllegalStateException("listener bug");
			}

		}

		/** Records what it hears after the throwing one. */
		static class Recorder implements CircuitBreakerListener, RetryListener, RateLimiterListener, FallbackListener {

			final List<String> events = new CopyOnWriteArrayList<>();

			@Override
			public void onCallRecorded(dev.resilience.circuitbreaker.CircuitBreaker breaker, CallOutcome outcome,
					long durationNanos) {
				this.events.add("breaker " + outcome);
			}

			@Override
			public void onOutcome(Retry retry, RetryOutcome outcome, int attempts) {
				this.events.add("retry " + outcome);
			}

			@Override
			public void onOutcome(RateLimiter rateLimiter, RateLimiterOutcome outcome) {
				this.events.add("rate limiter " + outcome);
			}

			@Override
			public void onFallback(String method, Throwable failure) {
				this.events.add("fallback " + method);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LambdaListeners {

		@Bean
		List<String> heard() {
			return new CopyOnWriteArrayList<>();
		}

		@Bean
		FallbackListener fallbackLambda(List<String> heard) {
			return (method, failure) -> heard.add("fallback " + method);
		}

		@Bean
		IdempotencyListener idempotencyLambda(List<String> heard) {
			return (name, outcome) -> heard.add("idempotency " + name + " " + outcome);
		}

		@Bean
		ChaosListener chaosLambda(List<String> heard) {
			return (chaos, fault) -> heard.add("chaos " + chaos.getName() + " " + fault);
		}

		@Bean
		TimeoutListener timeoutAnonymous(List<String> heard) {
			return new TimeoutListener() {

				@Override
				public void onOutcome(Timeout timeout, TimeoutOutcome outcome, long durationNanos) {
					heard.add("timeout " + timeout.getName() + " " + outcome);
				}

			};
		}

		@SuppressWarnings("unchecked")
		static List<String> heard(AssertableApplicationContext context) {
			return (List<String>) context.getBean("heard");
		}

	}

}
