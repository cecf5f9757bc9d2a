package dev.resilience.spring.reactive;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import dev.resilience.ContextPropagator;
import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.bulkhead.BulkheadFullException;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.spring.aop.ResilienceAnnotationException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceRegistryCustomizer;
import dev.resilience.spring.testsupport.BootLine;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Methods returning {@code Mono} and {@code Flux} get every annotation with reactive
 * semantics, in a context without WebFlux: each subscription is one call, retries
 * re-subscribe on the engine's scheduler (a fake one here), the breaker records terminal
 * signals and nothing on cancel, a bulkhead permit lives from subscription to termination
 * or cancel, and a fallback answers the error signal.
 */
class ReactiveMethodTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class,
				ResilienceIdempotencyAutoConfiguration.class, BootLine.type(BootLine.JACKSON)))
		.withBean(ResilienceRegistryCustomizer.class,
				() -> (builder) -> builder.ticker(this.ticker).scheduler(this.scheduler))
		.withPropertyValues("resilience.retry.instances.reactive.max-attempts=3",
				"resilience.retry.instances.reactive.wait-duration=100ms",
				"resilience.retry.instances.reactive.jitter=none", "resilience.retry.instances.reactive.backoff=fixed",
				"resilience.retry.instances.reactive.budget.enabled=false",
				"resilience.circuit-breaker.instances.reactive.sliding-window-size=4",
				"resilience.circuit-breaker.instances.reactive.minimum-number-of-calls=4",
				"resilience.circuit-breaker.instances.reactive.failure-rate-threshold=50",
				"resilience.circuit-breaker.instances.reactive.permitted-number-of-calls-in-half-open-state=1",
				"resilience.bulkhead.instances.reactive.max-concurrent-calls=1")
		.withBean(Inventory.class);

	@Test
	void nothingRunsAtAssemblyAndEachSubscriptionIsOneCall() {
		this.runner.run((context) -> {
			Inventory inventory = context.getBean(Inventory.class);
			inventory.next(() -> Mono.just("a"), () -> Mono.just("a"));
			Mono<String> mono = inventory.guarded();
			assertThat(inventory.invocations()).isEqualTo(0);
			StepVerifier.create(mono).expectNext("a").verifyComplete();
			StepVerifier.create(mono).expectNext("a").verifyComplete();
			assertThat(inventory.invocations()).isEqualTo(2);
			assertThat(breaker(context).getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(2);
		});
	}

	@Test
	void retryResubscribesOnTheEngineSchedulerWithoutBlocking() {
		this.runner.run((context) -> {
			Inventory inventory = context.getBean(Inventory.class);
			inventory.next(() -> Mono.error(new IOException("1")), () -> Mono.error(new IOException("2")),
					() -> Mono.just("third"));
			List<String> values = new ArrayList<>();
			inventory.retried().subscribe(values::add);
			assertThat(inventory.invocations()).isEqualTo(1);
			assertThat(this.scheduler.pendingTasks()).isEqualTo(1);
			this.scheduler.advance(Duration.ofMillis(100));
			assertThat(inventory.invocations()).isEqualTo(2);
			this.scheduler.advance(Duration.ofMillis(100));
			assertThat(inventory.invocations()).isEqualTo(3);
			assertThat(values).containsExactly("third");
			dev.resilience.retry.Retry.Metrics metrics = retry(context).getMetrics();
			assertThat(metrics.getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
			assertThat(metrics.getNumberOfRetryAttempts()).isEqualTo(2);
		});
	}

	@Test
	void retryExhaustsAndSignalsTheLastFailure() {
		this.runner.run((context) -> {
			Inventory inventory = context.getBean(Inventory.class);
			inventory.next(() -> Mono.error(new IOException("1")), () -> Mono.error(new IOException("2")),
					() -> Mono.error(new IOException("3")));
			List<Throwable> errors = new ArrayList<>();
			inventory.retried().subscribe((value) -> {
			}, errors::add);
			this.scheduler.advance(Duration.ofMillis(200));
			assertThat(inventory.invocations()).isEqualTo(3);
			assertThat(errors).hasSize(1);
			assertThat(errors.get(0)).isInstanceOf(IOException.class).hasMessage("3");
			assertThat(retry(context).getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
		});
	}

	@Test
	void cancelDuringTheBackoffStopsRetrying() {
		this.runner.run((context) -> {
			Inventory inventory = context.getBean(Inventory.class);
			inventory.next(() -> Mono.error(new IOException("1")), () -> Mono.just("never reached"));
			Disposable subscription = inventory.retried().subscribe();
			subscription.dispose();
			this.scheduler.advance(Duration.ofSeconds(1));
			assertThat(inventory.invocations()).isEqualTo(1);
			assertThat(retry(context).getMetrics().getNumberOfFailedCallsWithoutRetryAttempt()).isEqualTo(1);
		});
	}

	@Test
	void breakerOpensAfterErrorSignalsAndRefusesAtSubscription() {
		this.runner.run((context) -> {
			Inventory inventory = context.getBean(Inventory.class);
			for (int i = 0; i < 4; i++) {
				inventory.next(() -> Mono.error(new IOException("down")));
				StepVerifier.create(inventory.guarded()).verifyError(IOException.class);
			}
			assertThat(breaker(context).getState()).isEqualTo(dev.resilience.circuitbreaker.CircuitBreaker.State.OPEN);
			Mono<String> refused = inventory.guarded();
			StepVerifier.create(refused).verifyError(CallNotPermittedException.class);
			assertThat(inventory.invocations()).isEqualTo(4);
			assertThat(breaker(context).getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
		});
	}

	@Test
	void cancelRecordsNothingAndGivesBackTheHalfOpenTrialPermit() {
		this.runner.run((context) -> {
			Inventory inventory = context.getBean(Inventory.class);
			dev.resilience.circuitbreaker.CircuitBreaker breaker = breaker(context);
			breaker.transitionToHalfOpenState();
			inventory.next(Mono::never, () -> Mono.just("trial"));
			inventory.guarded().subscribe().dispose();
			assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
			// The one trial permit is free again: the next call is admitted and closes
			// it.
			StepVerifier.create(inventory.guarded()).expectNext("trial").verifyComplete();
			assertThat(breaker.getState()).isEqualTo(dev.resilience.circuitbreaker.CircuitBreaker.State.CLOSED);
		});
	}

	@Test
	void bulkheadPermitIsHeldUntilTerminationAndFreedByCancel() {
		this.runner.run((context) -> {
			Inventory inventory = context.getBean(Inventory.class);
			Sinks.One<String> pending = Sinks.one();
			inventory.next(pending::asMono);
			List<String> values = new ArrayList<>();
			inventory.bulkheaded().subscribe(values::add);
			assertThat(bulkhead(context).getMetrics().getAvailableConcurrentCalls()).isZero();
			StepVerifier.create(inventory.bulkheaded()).verifyError(BulkheadFullException.class);
			pending.tryEmitValue("first");
			assertThat(values).containsExactly("first");
			assertThat(bulkhead(context).getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
			inventory.next(Mono::never);
			Disposable hanging = inventory.bulkheaded().subscribe();
			assertThat(bulkhead(context).getMetrics().getAvailableConcurrentCalls()).isZero();
			hanging.dispose();
			assertThat(bulkhead(context).getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
			assertThat(inventory.invocations()).isEqualTo(2);
		});
	}

	@Test
	void fallbackAnswersTheErrorSignalWithAPlainValueOrAMono() {
		this.runner.run((context) -> {
			Inventory inventory = context.getBean(Inventory.class);
			inventory.next(() -> Mono.error(new IOException("down")));
			StepVerifier.create(inventory.withPlainFallback()).expectNext("plain after down").verifyComplete();
			inventory.next(() -> Mono.error(new IOException("down")));
			StepVerifier.create(inventory.withMonoFallback()).expectNext("mono after down").verifyComplete();
			inventory.next(() -> Mono.just("fine"));
			StepVerifier.create(inventory.withPlainFallback()).expectNext("fine").verifyComplete();
		});
	}

	@Test
	void exceptionThrownWhileBuildingTheMonoIsAnErrorSignal() {
		this.runner.run((context) -> {
			Inventory inventory = context.getBean(Inventory.class);
			inventory.next(() -> {
				throw new IllegalStateException("while building");
			});
			Mono<String> mono = inventory.guarded();
			assertThat(inventory.invocations()).isEqualTo(0);
			StepVerifier.create(mono).verifyErrorMessage("while building");
			assertThat(breaker(context).getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
		});
	}

	@Test
	void fluxRetryResubscribesTheWholeStream() {
		this.runner.run((context) -> {
			Inventory inventory = context.getBean(Inventory.class);
			inventory.nextFlux(() -> Flux.just("a").concatWith(Flux.error(new IOException("cut"))),
					() -> Flux.just("a", "b"));
			List<String> values = new ArrayList<>();
			inventory.stream().subscribe(values::add);
			this.scheduler.advance(Duration.ofMillis(100));
			assertThat(values).containsExactly("a", "a", "b");
			assertThat(inventory.invocations()).isEqualTo(2);
			assertThat(breaker(context).getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
			assertThat(breaker(context).getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
		});
	}

	@Test
	void cancelledFluxRecordsNothing() {
		this.runner.run((context) -> {
			Inventory inventory = context.getBean(Inventory.class);
			inventory.nextFlux(() -> Flux.just("a").concatWith(Flux.never()));
			StepVerifier.create(inventory.stream()).expectNext("a").thenCancel().verify();
			assertThat(breaker(context).getMetrics().getNumberOfBufferedCalls()).isZero();
		});
	}

	@Test
	void everyRetryAttemptSeesTheSubscribersReactorContext() {
		this.runner.run((context) -> {
			Inventory inventory = context.getBean(Inventory.class);
			List<String> seen = new ArrayList<>();
			Supplier<Mono<String>> failing = () -> Mono.deferContextual((view) -> {
				seen.add(view.get("user"));
				return Mono.error(new IOException("down"));
			});
			inventory.next(failing, () -> Mono.deferContextual((view) -> Mono.just("for " + view.get("user"))));
			List<String> values = new ArrayList<>();
			inventory.retried().contextWrite((ctx) -> ctx.put("user", "alice")).subscribe(values::add);
			this.scheduler.advance(Duration.ofMillis(100));
			assertThat(seen).containsExactly("alice");
			assertThat(values).containsExactly("for alice");
		});
	}

	@Test
	void threadLocalContextOfTheSubscriberIsRestoredAroundEachRetry() {
		ThreadLocal<String> mdc = new ThreadLocal<>();
		ContextPropagator propagator = (task) -> {
			String captured = mdc.get();
			return () -> {
				String previous = mdc.get();
				mdc.set(captured);
				try {
					task.run();
				}
				finally {
					mdc.set(previous);
				}
			};
		};
		this.runner
			.withBean("propagatingCustomizer", ResilienceRegistryCustomizer.class,
					() -> (builder) -> builder.contextPropagator(propagator))
			.run((context) -> {
				Inventory inventory = context.getBean(Inventory.class);
				List<String> seen = new ArrayList<>();
				inventory.next(() -> {
					seen.add(mdc.get());
					return Mono.error(new IOException("down"));
				}, () -> {
					seen.add(mdc.get());
					return Mono.just("ok");
				});
				mdc.set("request-1");
				inventory.retried().subscribe();
				mdc.remove();
				this.scheduler.advance(Duration.ofMillis(100));
				assertThat(seen).containsExactly("request-1", "request-1");
			});
	}

	@Test
	void idempotentOnAMonoStartsNowThatItsReplayIsSupported() {
		// Refused at startup until the replay emitted the stored value; its semantics are
		// tested in ReactiveIdempotencyTests.
		this.runner.withBean(IdempotentMono.class).run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void threadPoolBulkheadOnAMonoFailsStartup() {
		this.runner.withPropertyValues("resilience.bulkhead.instances.pool.type=thread-pool")
			.withBean(ThreadPoolOnMono.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessage("@Bulkhead(name = \"pool\") on ThreadPoolOnMono.load(): bulkhead 'pool' is a"
						+ " thread-pool bulkhead, which runs only methods returning CompletionStage or"
						+ " CompletableFuture, but it returns Mono; use type: semaphore for it or return a"
						+ " CompletableFuture"));
	}

	@Test
	void idempotentOnAFluxFailsStartup() {
		this.runner.withBean(IdempotentFlux.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessage("@Idempotent on IdempotentFlux.load(String): a Flux cannot be replayed from a stored"
						+ " result; @Idempotent works on methods returning a plain value, void, CompletionStage,"
						+ " CompletableFuture or Mono"));
	}

	private static dev.resilience.circuitbreaker.CircuitBreaker breaker(
			org.springframework.context.ApplicationContext context) {
		return context.getBean(ResilienceRegistry.class).circuitBreaker("reactive");
	}

	private static dev.resilience.retry.Retry retry(org.springframework.context.ApplicationContext context) {
		return context.getBean(ResilienceRegistry.class).retry("reactive");
	}

	private static dev.resilience.bulkhead.Bulkhead bulkhead(org.springframework.context.ApplicationContext context) {
		return context.getBean(ResilienceRegistry.class).bulkhead("reactive");
	}

	static class Inventory extends ScriptedAnswers {

		@CircuitBreaker(name = "reactive")
		public Mono<String> guarded() {
			return answer();
		}

		@Retry(name = "reactive")
		public Mono<String> retried() {
			return answer();
		}

		@Bulkhead(name = "reactive")
		public Mono<String> bulkheaded() {
			return answer();
		}

		@Fallback(method = "plainFallback")
		public Mono<String> withPlainFallback() {
			return answer();
		}

		public String plainFallback(Throwable failure) {
			return "plain after " + failure.getMessage();
		}

		@Fallback(method = "monoFallback")
		public Mono<String> withMonoFallback() {
			return answer();
		}

		public Mono<String> monoFallback(Throwable failure) {
			return Mono.just("mono after " + failure.getMessage());
		}

		@Retry(name = "reactive")
		@CircuitBreaker(name = "reactive")
		public Flux<String> stream() {
			return answerFlux();
		}

	}

	static class ThreadPoolOnMono {

		@Bulkhead(name = "pool")
		public Mono<String> load() {
			return Mono.just("x");
		}

	}

	static class IdempotentMono {

		@dev.resilience.annotation.Idempotent(key = "#id")
		public Mono<String> load(String id) {
			return Mono.just(id);
		}

	}

	static class IdempotentFlux {

		@dev.resilience.annotation.Idempotent(key = "#id")
		public Flux<String> load(String id) {
			return Flux.just(id);
		}

	}

}
