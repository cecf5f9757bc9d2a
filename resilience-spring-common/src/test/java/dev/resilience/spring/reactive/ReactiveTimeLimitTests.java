package dev.resilience.spring.reactive;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.RateLimiter;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.ratelimiter.RateLimiterListener;
import dev.resilience.ratelimiter.RateLimiterOutcome;
import dev.resilience.ratelimiter.RequestNotPermittedException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceRegistryCustomizer;
import dev.resilience.spring.testsupport.BootLine;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.timeout.TimeoutExceededException;

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
				"resilience.retry.instances.reactive.budget.enabled=false",
				"resilience.timeout.instances.short.duration=1s",
				"resilience.circuit-breaker.instances.reactive.sliding-window-size=2",
				"resilience.circuit-breaker.instances.reactive.minimum-number-of-calls=2",
				"resilience.circuit-breaker.instances.reactive.failure-rate-threshold=50")
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

	@Test
	void aMonoThatNeverCompletesTimesOutAtTheDeadlineAndItsUpstreamIsCancelled() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			AtomicInteger cancels = new AtomicInteger();
			service.next(() -> Mono.<String>never().doOnCancel(cancels::incrementAndGet));
			List<Throwable> errors = new ArrayList<>();
			service.timed().subscribe((value) -> {
			}, errors::add);
			this.scheduler.advance(Duration.ofMillis(999));
			assertThat(errors).isEmpty();
			assertThat(cancels).hasValue(0);
			this.scheduler.advance(Duration.ofMillis(1));
			assertThat(errors).singleElement()
				.isInstanceOfSatisfying(TimeoutExceededException.class,
						(exceeded) -> assertThat(exceeded.getDuration()).isEqualTo(Duration.ofSeconds(1)));
			assertThat(cancels).hasValue(1);
			dev.resilience.timeout.Timeout.Metrics metrics = timeout(context).getMetrics();
			assertThat(metrics.getNumberOfTimedOutCalls()).isOne();
			assertThat(metrics.getNumberOfSuccessfulCalls()).isZero();
			assertThat(metrics.getNumberOfFailedCalls()).isZero();
		});
	}

	@Test
	void aValueArrivingAfterTheDeadlineIsDroppedAndChangesNoCount() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Sinks.One<String> late = Sinks.one();
			service.next(late::asMono);
			List<Object> signals = new ArrayList<>();
			service.timed().subscribe(signals::add, signals::add);
			this.scheduler.advance(Duration.ofSeconds(1));
			late.tryEmitValue("late");
			assertThat(signals).singleElement().isInstanceOf(TimeoutExceededException.class);
			assertThat(timeout(context).getMetrics().getNumberOfTimedOutCalls()).isOne();
			assertThat(timeout(context).getMetrics().getNumberOfSuccessfulCalls()).isZero();
		});
	}

	@Test
	void callsEndingBeforeTheDeadlineAreCountedAndCancelTheirDeadline() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Sinks.One<String> slow = Sinks.one();
			service.next(slow::asMono, () -> Mono.error(new IOException("down")), () -> Mono.empty());
			List<String> values = new ArrayList<>();
			service.timed().subscribe(values::add);
			assertThat(this.scheduler.pendingTasks()).isOne();
			this.scheduler.advance(Duration.ofMillis(999));
			slow.tryEmitValue("just in time");
			assertThat(values).containsExactly("just in time");
			assertThat(this.scheduler.pendingTasks()).as("deadline task left").isZero();
			StepVerifier.create(service.timed()).verifyErrorMessage("down");
			StepVerifier.create(service.timed()).verifyComplete();
			assertThat(this.scheduler.pendingTasks()).isZero();
			dev.resilience.timeout.Timeout.Metrics metrics = timeout(context).getMetrics();
			assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(2);
			assertThat(metrics.getNumberOfFailedCalls()).isOne();
			assertThat(metrics.getNumberOfTimedOutCalls()).isZero();
		});
	}

	@Test
	void aSubscriberCancelRecordsNothingAndCancelsTheDeadline() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			AtomicInteger cancels = new AtomicInteger();
			service.next(() -> Mono.<String>never().doOnCancel(cancels::incrementAndGet));
			Disposable subscription = service.timed().subscribe();
			subscription.dispose();
			assertThat(cancels).hasValue(1);
			assertThat(this.scheduler.pendingTasks()).isZero();
			this.scheduler.advance(Duration.ofSeconds(5));
			dev.resilience.timeout.Timeout.Metrics metrics = timeout(context).getMetrics();
			assertThat(metrics.getNumberOfSuccessfulCalls() + metrics.getNumberOfFailedCalls()
					+ metrics.getNumberOfTimedOutCalls())
				.isZero();
		});
	}

	@Test
	void anEndlessFluxEndsAtTheDeadlineAfterItsElements() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Sinks.Many<String> events = Sinks.many().multicast().onBackpressureBuffer();
			AtomicInteger cancels = new AtomicInteger();
			service.nextFlux(() -> events.asFlux().doOnCancel(cancels::incrementAndGet));
			List<Object> signals = new ArrayList<>();
			service.timedStream().subscribe(signals::add, signals::add);
			events.tryEmitNext("a");
			this.scheduler.advance(Duration.ofMillis(500));
			events.tryEmitNext("b");
			this.scheduler.advance(Duration.ofMillis(500));
			events.tryEmitNext("after the deadline");
			assertThat(signals).hasSize(3).startsWith("a", "b");
			assertThat(signals.get(2)).isInstanceOf(TimeoutExceededException.class);
			assertThat(cancels).hasValue(1);
			assertThat(events.currentSubscriberCount()).isZero();
			assertThat(timeout(context).getMetrics().getNumberOfTimedOutCalls()).isOne();
		});
	}

	@Test
	void aFluxCompletingBeforeTheDeadlineIsASuccess() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			service.nextFlux(() -> Flux.just("a", "b"));
			StepVerifier.create(service.timedStream()).expectNext("a", "b").verifyComplete();
			assertThat(timeout(context).getMetrics().getNumberOfSuccessfulCalls()).isOne();
			assertThat(this.scheduler.pendingTasks()).isZero();
		});
	}

	@Test
	void eachRetryAttemptHasItsOwnDeadline() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			service.next(Mono::never, Mono::never, () -> Mono.just("third"));
			List<Object> signals = new ArrayList<>();
			service.retriedAndTimed().subscribe(signals::add, signals::add);
			this.scheduler.advance(Duration.ofSeconds(1));
			assertThat(service.invocations()).isOne();
			this.scheduler.advance(Duration.ofMillis(100));
			assertThat(service.invocations()).isEqualTo(2);
			// The second attempt started at 1.1s: its deadline is 2.1s, not the first's.
			this.scheduler.advance(Duration.ofMillis(999));
			assertThat(timeout(context).getMetrics().getNumberOfTimedOutCalls()).isOne();
			this.scheduler.advance(Duration.ofMillis(1));
			assertThat(timeout(context).getMetrics().getNumberOfTimedOutCalls()).isEqualTo(2);
			this.scheduler.advance(Duration.ofMillis(100));
			assertThat(service.invocations()).isEqualTo(3);
			assertThat(signals).containsExactly("third");
			assertThat(timeout(context).getMetrics().getNumberOfSuccessfulCalls()).isOne();
		});
	}

	@Test
	void timeoutsAreBreakerFailuresAndOpenIt() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			service.next(Mono::never, Mono::never, () -> Mono.just("not invoked"));
			List<Object> signals = new ArrayList<>();
			service.guardedAndTimed().subscribe(signals::add, signals::add);
			service.guardedAndTimed().subscribe(signals::add, signals::add);
			this.scheduler.advance(Duration.ofSeconds(1));
			assertThat(signals).hasSize(2).allMatch(TimeoutExceededException.class::isInstance);
			dev.resilience.circuitbreaker.CircuitBreaker breaker = context.getBean(ResilienceRegistry.class)
				.circuitBreaker("reactive");
			assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
			assertThat(breaker.getState()).isEqualTo(dev.resilience.circuitbreaker.CircuitBreaker.State.OPEN);
			StepVerifier.create(service.guardedAndTimed()).verifyError(CallNotPermittedException.class);
			assertThat(service.invocations()).isEqualTo(2);
		});
	}

	@Test
	void theDeadlineStartsOnceTheRateLimiterLetsTheSubscriptionThrough() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			service.next(() -> Mono.just("first"), Mono::never);
			StepVerifier.create(service.limitedAndTimed()).expectNext("first").verifyComplete();
			List<Object> signals = new ArrayList<>();
			service.limitedAndTimed().subscribe(signals::add, signals::add);
			// Waiting a second for the next period's permit is not part of the call.
			this.scheduler.advance(Duration.ofSeconds(1));
			assertThat(service.invocations()).isEqualTo(2);
			assertThat(signals).isEmpty();
			assertThat(timeout(context).getMetrics().getNumberOfTimedOutCalls()).isZero();
			this.scheduler.advance(Duration.ofSeconds(1));
			assertThat(signals).singleElement().isInstanceOf(TimeoutExceededException.class);
		});
	}

	@Test
	void aFallbackAnswersAtTheDeadline() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			service.next(Mono::never);
			List<Object> signals = new ArrayList<>();
			service.timedWithFallback().subscribe(signals::add, signals::add);
			this.scheduler.advance(Duration.ofMillis(999));
			assertThat(signals).isEmpty();
			this.scheduler.advance(Duration.ofMillis(1));
			assertThat(signals).containsExactly("fallback after TimeoutExceededException");
		});
	}

	static dev.resilience.timeout.Timeout timeout(ApplicationContext context) {
		return context.getBean(ResilienceRegistry.class).timeout("short");
	}

	static dev.resilience.ratelimiter.RateLimiter limiter(ApplicationContext context, String name) {
		return context.getBean(ResilienceRegistry.class).rateLimiter(name);
	}

	static class Service extends ScriptedAnswers {

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
			return answerFlux();
		}

		@RateLimiter(name = "waiting")
		@Timeout(name = "short")
		public Mono<String> limitedAndTimed() {
			return answer();
		}

		@Timeout(name = "short")
		@Fallback(method = "timedFallback")
		public Mono<String> timedWithFallback() {
			return answer();
		}

		public String timedFallback(Throwable failure) {
			return "fallback after " + failure.getClass().getSimpleName();
		}

		@Timeout(name = "short")
		public Mono<String> timed() {
			return answer();
		}

		@Retry(name = "reactive")
		@Timeout(name = "short")
		public Mono<String> retriedAndTimed() {
			return answer();
		}

		@CircuitBreaker(name = "reactive")
		@Timeout(name = "short")
		public Mono<String> guardedAndTimed() {
			return answer();
		}

		@Timeout(name = "short")
		public Flux<String> timedStream() {
			return answerFlux();
		}

	}

}
