package dev.resilience.spring.reactive;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.RateLimiter;
import dev.resilience.annotation.Retry;
import dev.resilience.ratelimiter.RateLimiterListener;
import dev.resilience.ratelimiter.RateLimiterOutcome;
import dev.resilience.ratelimiter.RequestNotPermittedException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceRegistryCustomizer;
import dev.resilience.spring.testsupport.BootLine;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @RateLimiter} and {@code @Timeout} on methods returning {@code Mono} and
 * {@code Flux}: a permit per subscription, waited for on the engine's scheduler (a fake
 * one here) without blocking; deadlines on the same scheduler, cancelling the upstream.
 */
class ReactiveTimeLimitTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class, BootLine.type(BootLine.JACKSON)))
		.withBean(ResilienceRegistryCustomizer.class,
				() -> (builder) -> builder.ticker(this.ticker).scheduler(this.scheduler))
		.withPropertyValues("resilience.rate-limiter.instances.limited.limit-for-period=2",
				"resilience.rate-limiter.instances.limited.limit-refresh-period=1s",
				"resilience.rate-limiter.instances.limited.timeout-duration=0ms",
				"resilience.rate-limiter.instances.waiting.limit-for-period=1",
				"resilience.rate-limiter.instances.waiting.limit-refresh-period=1s",
				"resilience.rate-limiter.instances.waiting.timeout-duration=2s",
				"resilience.retry.instances.reactive.max-attempts=3",
				"resilience.retry.instances.reactive.wait-duration=100ms",
				"resilience.retry.instances.reactive.jitter=none", "resilience.retry.instances.reactive.backoff=fixed",
				"resilience.retry.instances.reactive.budget.enabled=false")
		.withBean(Service.class);

	@Test
	void eachSubscriptionTakesOnePermitAndARefusalIsAnErrorSignal() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			service.next(() -> Mono.just("a"), () -> Mono.just("b"), () -> Mono.just("never"));
			List<RateLimiterOutcome> outcomes = new ArrayList<>();
			limiter(context, "limited").addListener(new RateLimiterListener() {

				@Override
				public void onOutcome(dev.resilience.ratelimiter.RateLimiter limiter, RateLimiterOutcome outcome) {
					outcomes.add(outcome);
				}

			});
			Mono<String> mono = service.limited();
			assertThat(service.invocations()).isZero();
			StepVerifier.create(mono).expectNext("a").verifyComplete();
			StepVerifier.create(mono).expectNext("b").verifyComplete();
			StepVerifier.create(mono)
				.expectErrorSatisfies((failure) -> assertThat(failure).isInstanceOf(RequestNotPermittedException.class)
					.satisfies((refusal) -> assertThat(((RequestNotPermittedException) refusal).getRetryAfter())
						.isEqualTo(Duration.ofSeconds(1))))
				.verify();
			assertThat(service.invocations()).isEqualTo(2);
			assertThat(outcomes).containsExactly(RateLimiterOutcome.PERMITTED, RateLimiterOutcome.PERMITTED,
					RateLimiterOutcome.REJECTED);
			assertThat(limiter(context, "limited").getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
		});
	}

	@Test
	void eachRetryResubscriptionTakesItsOwnPermit() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			service.next(() -> Mono.error(new IOException("1")), () -> Mono.error(new IOException("2")),
					() -> Mono.just("never"));
			List<Throwable> errors = new ArrayList<>();
			service.retriedAndLimited().subscribe((value) -> {
			}, errors::add);
			this.scheduler.advance(Duration.ofMillis(100));
			assertThat(service.invocations()).isEqualTo(2);
			// The third attempt, in the same period, finds no permit: refused before the
			// method runs, and the retries are exhausted on the refusal.
			this.scheduler.advance(Duration.ofMillis(100));
			assertThat(service.invocations()).isEqualTo(2);
			assertThat(errors).singleElement().isInstanceOf(RequestNotPermittedException.class);
			assertThat(limiter(context, "limited").getMetrics().getNumberOfPermittedCalls()).isEqualTo(2);
			assertThat(limiter(context, "limited").getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
		});
	}

	@Test
	void aSubscriptionWaitsForALaterPeriodOnTheSchedulerWithoutBlocking() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			service.next(() -> Mono.just("first"), () -> Mono.just("second"));
			StepVerifier.create(service.waiting()).expectNext("first").verifyComplete();
			List<String> values = new ArrayList<>();
			service.waiting().subscribe(values::add);
			// subscribe returned: nothing blocked, the call waits as a scheduled task.
			assertThat(service.invocations()).isEqualTo(1);
			assertThat(this.scheduler.pendingTasks()).isEqualTo(1);
			assertThat(limiter(context, "waiting").getMetrics().getAvailablePermissions()).isEqualTo(-1);
			this.scheduler.advance(Duration.ofMillis(999));
			assertThat(service.invocations()).isEqualTo(1);
			this.scheduler.advance(Duration.ofMillis(1));
			assertThat(service.invocations()).isEqualTo(2);
			assertThat(values).containsExactly("second");
			assertThat(limiter(context, "waiting").getMetrics().getNumberOfPermittedCalls()).isEqualTo(2);
		});
	}

	@Test
	void aWaitingSubscriptionCancelledHandsItsPermitBackAndNeverRuns() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			service.next(() -> Mono.just("first"), () -> Mono.just("after the cancel"));
			StepVerifier.create(service.waiting()).expectNext("first").verifyComplete();
			Disposable waiting = service.waiting().subscribe();
			assertThat(limiter(context, "waiting").getMetrics().getAvailablePermissions()).isEqualTo(-1);
			waiting.dispose();
			assertThat(limiter(context, "waiting").getMetrics().getAvailablePermissions()).isZero();
			assertThat(this.scheduler.pendingTasks()).isZero();
			this.scheduler.advance(Duration.ofSeconds(1));
			assertThat(service.invocations()).isEqualTo(1);
			// The permit of the next period is free for the next subscriber.
			StepVerifier.create(service.waiting()).expectNext("after the cancel").verifyComplete();
			assertThat(limiter(context, "waiting").getMetrics().getNumberOfPermittedCalls()).isEqualTo(2);
			assertThat(limiter(context, "waiting").getMetrics().getNumberOfRejectedCalls()).isZero();
		});
	}

	@Test
	void eachSubscriptionOfAFluxTakesOnePermit() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			service.nextFlux(() -> Flux.just("a", "b", "c"), () -> Flux.just("d", "e"), () -> Flux.just("never"));
			Flux<String> flux = service.limitedStream();
			StepVerifier.create(flux).expectNext("a", "b", "c").verifyComplete();
			StepVerifier.create(flux).expectNext("d", "e").verifyComplete();
			StepVerifier.create(flux).verifyError(RequestNotPermittedException.class);
			assertThat(service.invocations()).isEqualTo(2);
		});
	}

	static dev.resilience.ratelimiter.RateLimiter limiter(ApplicationContext context, String name) {
		return context.getBean(ResilienceRegistry.class).rateLimiter(name);
	}

	static class Service {

		private final AtomicInteger invocations = new AtomicInteger();

		private final List<Supplier<? extends Mono<String>>> monos = new ArrayList<>();

		private final List<Supplier<? extends Flux<String>>> fluxes = new ArrayList<>();

		/** Read through the proxy, whose own fields are empty. */
		int invocations() {
			return this.invocations.get();
		}

		@SuppressWarnings("unchecked")
		void next(Supplier<? extends Mono<String>>... answers) {
			this.monos.addAll(List.of(answers));
		}

		@SuppressWarnings("unchecked")
		void nextFlux(Supplier<? extends Flux<String>>... answers) {
			this.fluxes.addAll(List.of(answers));
		}

		private Mono<String> answer() {
			this.invocations.incrementAndGet();
			return this.monos.remove(0).get();
		}

		@RateLimiter(name = "limited")
		public Mono<String> limited() {
			return answer();
		}

		@Retry(name = "reactive")
		@RateLimiter(name = "limited")
		public Mono<String> retriedAndLimited() {
			return answer();
		}

		@RateLimiter(name = "waiting")
		public Mono<String> waiting() {
			return answer();
		}

		@RateLimiter(name = "limited")
		public Flux<String> limitedStream() {
			this.invocations.incrementAndGet();
			return this.fluxes.remove(0).get();
		}

	}

}
