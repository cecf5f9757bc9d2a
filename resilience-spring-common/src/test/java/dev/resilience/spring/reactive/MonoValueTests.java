package dev.resilience.spring.reactive;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import dev.resilience.ContextPropagator;
import dev.resilience.Invocation;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryConfig;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;
import dev.resilience.timeout.Timeout;
import dev.resilience.timeout.TimeoutConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code Mono}'s one value is its success, even when the subscriber cancels from inside
 * {@code onNext} (as {@code Flux.next()}, {@code zip} or {@code flatMap} inners do):
 * every operator records it once, and the cancel that follows is a no-op. A {@code Flux}
 * keeps "completion or error is the outcome".
 */
class MonoValueTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final CircuitBreaker breaker = CircuitBreaker.of("value", CircuitBreakerConfig.ofDefaults(), this.ticker);

	private final Retry retry = Retry.of("value",
			RetryConfig.custom()
				.maxAttempts(3)
				.waitDuration(Duration.ofMillis(100))
				.backoff(RetryConfig.Backoff.FIXED)
				.jitter(RetryConfig.Jitter.NONE)
				.build(),
			this.ticker, this.scheduler, ContextPropagator.NONE);

	private final Timeout timeout = Timeout.of("value", TimeoutConfig.custom().duration(Duration.ofSeconds(1)).build(),
			this.ticker, this.scheduler);

	private final Bulkhead bulkhead = Bulkhead.of("value", BulkheadConfig.custom().maxConcurrentCalls(2).build());

	private final Answers answers = new Answers();

	@Test
	void aValueCancelledInOnNextIsOneSuccessForEveryOperator() {
		this.answers.next(() -> Mono.just("value"));
		StepVerifier.create(mono().flux().next()).expectNext("value").verifyComplete();
		assertOneSuccessWithoutRetry();
	}

	@Test
	void aValueTakenByZipIsOneSuccessForEveryOperator() {
		this.answers.next(() -> Mono.just("value"));
		StepVerifier.create(Flux.zip(mono().flux(), Flux.just("other")).take(1).map((pair) -> pair.getT1()))
			.expectNext("value")
			.verifyComplete();
		assertOneSuccessWithoutRetry();
	}

	@Test
	void aLateValueCancelledInOnNextIsASuccessAndTheDeadlineNeverFires() {
		Sinks.One<String> late = Sinks.one();
		this.answers.next(late::asMono);
		StepVerifier.create(mono().flux().next())
			.then(() -> this.ticker.advance(Duration.ofMillis(900)))
			.then(() -> late.tryEmitValue("value"))
			.expectNext("value")
			.verifyComplete();
		assertOneSuccessWithoutRetry();
		assertThat(this.breaker.getMetrics().getNumberOfSlowCalls()).isZero();
	}

	@Test
	void aValueAfterARetryCancelledInOnNextIsASuccessWithRetry() {
		this.answers.next(() -> Mono.error(new IOException("first")), () -> Mono.just("second"));
		StepVerifier.create(mono().flux().next()).then(this.scheduler::runAll).expectNext("second").verifyComplete();
		assertThat(this.retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isOne();
		assertThat(this.retry.getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isZero();
		assertThat(this.retry.getMetrics().getNumberOfFailedCallsWithoutRetryAttempt()).isZero();
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isOne();
		assertThat(this.breaker.getMetrics().getNumberOfSuccessfulCalls()).isOne();
		assertThat(this.timeout.getMetrics().getNumberOfFailedCalls()).isOne();
		assertThat(this.timeout.getMetrics().getNumberOfSuccessfulCalls()).isOne();
		assertNothingLeft();
	}

	@Test
	void aFluxCancelledAfterItsFirstElementRecordsNothing() {
		ReactivePipeline pipeline = builder(false).build();
		Invocation elements = new Invocation() {

			@Override
			public Object proceed() {
				return Flux.just("a", "b");
			}

			@Override
			public Object[] getArguments() {
				return new Object[0];
			}

			@Override
			public Object getTarget() {
				return null;
			}

		};
		@SuppressWarnings("unchecked")
		Flux<Object> flux = (Flux<Object>) pipeline.invoke(elements);
		StepVerifier.create(flux.next()).expectNext("a").verifyComplete();
		assertThat(this.breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		assertThat(this.timeout.getMetrics().getNumberOfSuccessfulCalls()).isZero();
		assertThat(this.timeout.getMetrics().getNumberOfTimedOutCalls()).isZero();
		assertThat(this.retry.getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt()).isZero();
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void aValueRacingACancelAndTheDeadlineEndsEachOperatorOnce() throws Exception {
		for (int round = 0; round < 300; round++) {
			FakeTicker ticker = new FakeTicker();
			FakeScheduler scheduler = new FakeScheduler(ticker);
			CircuitBreaker breaker = CircuitBreaker.of("race", CircuitBreakerConfig.ofDefaults(), ticker);
			Retry retry = Retry.of("race", RetryConfig.custom().maxAttempts(1).build(), ticker, scheduler,
					ContextPropagator.NONE);
			Timeout timeout = Timeout.of("race", TimeoutConfig.custom().duration(Duration.ofSeconds(1)).build(), ticker,
					scheduler);
			Bulkhead bulkhead = Bulkhead.of("race", BulkheadConfig.custom().maxConcurrentCalls(2).build());
			ReactivePipeline pipeline = ReactivePipeline
				.builder("MonoValueTests.race()", true, ticker, scheduler, ContextPropagator.NONE)
				.circuitBreaker(breaker)
				.retry(retry)
				.timeout(timeout)
				.bulkhead(bulkhead)
				.build();
			Sinks.One<String> value = Sinks.one();
			Answers answers = new Answers();
			answers.next(value::asMono);
			AtomicReference<Subscription> subscription = new AtomicReference<>();
			AtomicInteger signals = new AtomicInteger();
			@SuppressWarnings("unchecked")
			Mono<Object> mono = (Mono<Object>) pipeline.invoke(answers);
			mono.subscribe(new BaseSubscriber<>() {

				@Override
				protected void hookOnSubscribe(Subscription s) {
					subscription.set(s);
					s.request(1);
				}

				@Override
				protected void hookOnNext(Object next) {
					signals.incrementAndGet();
					cancel();
				}

				@Override
				protected void hookOnError(Throwable failure) {
					signals.incrementAndGet();
				}

			});
			assertThat(scheduler.pendingTasks()).isOne();
			CyclicBarrier start = new CyclicBarrier(3);
			CountDownLatch done = new CountDownLatch(3);
			race(start, done, () -> value.tryEmitValue("value"));
			race(start, done, () -> subscription.get().cancel());
			race(start, done, scheduler::runAll);
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			long breakerOutcomes = breaker.getMetrics().getNumberOfSuccessfulCalls()
					+ breaker.getMetrics().getNumberOfFailedCalls();
			long timeoutOutcomes = timeout.getMetrics().getNumberOfSuccessfulCalls()
					+ timeout.getMetrics().getNumberOfFailedCalls() + timeout.getMetrics().getNumberOfTimedOutCalls();
			long retryOutcomes = retry.getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt()
					+ retry.getMetrics().getNumberOfFailedCallsWithoutRetryAttempt()
					+ retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()
					+ retry.getMetrics().getNumberOfFailedCallsWithRetryAttempt();
			assertThat(breakerOutcomes).as("round %d", round).isLessThanOrEqualTo(1);
			assertThat(timeoutOutcomes).as("round %d", round).isLessThanOrEqualTo(1);
			assertThat(retryOutcomes).as("round %d", round).isOne();
			assertThat(signals.get()).as("round %d", round).isLessThanOrEqualTo(1);
			assertThat(bulkhead.getMetrics().getAvailableConcurrentCalls()).as("round %d", round).isEqualTo(2);
			assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(breakerOutcomes);
			if (timeout.getMetrics().getNumberOfSuccessfulCalls() == 1) {
				assertThat(timeout.getMetrics().getNumberOfTimedOutCalls()).isZero();
				assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
			}
			scheduler.runAll();
			assertThat(scheduler.pendingTasks()).isZero();
		}
	}

	private static void race(CyclicBarrier start, CountDownLatch done, Runnable action) {
		Thread thread = new Thread(() -> {
			try {
				start.await(10, TimeUnit.SECONDS);
				action.run();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			finally {
				done.countDown();
			}
		});
		thread.setDaemon(true);
		thread.start();
	}

	private void assertOneSuccessWithoutRetry() {
		assertThat(this.breaker.getMetrics().getNumberOfSuccessfulCalls()).isOne();
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(this.retry.getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt()).isOne();
		assertThat(this.retry.getMetrics().getNumberOfFailedCallsWithoutRetryAttempt()).isZero();
		assertThat(this.timeout.getMetrics().getNumberOfSuccessfulCalls()).isOne();
		assertNothingLeft();
	}

	/** No deadline left to fire, no timeout later, the bulkhead permit back once. */
	private void assertNothingLeft() {
		assertThat(this.scheduler.pendingTasks()).isZero();
		this.scheduler.advance(Duration.ofSeconds(5));
		assertThat(this.timeout.getMetrics().getNumberOfTimedOutCalls()).isZero();
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
		assertThat(this.answers.calls.get()).isEqualTo(this.answers.answered);
	}

	private ReactivePipeline.Builder builder(boolean mono) {
		return ReactivePipeline
			.builder("MonoValueTests.call()", mono, this.ticker, this.scheduler, ContextPropagator.NONE)
			.circuitBreaker(this.breaker)
			.retry(this.retry)
			.timeout(this.timeout)
			.bulkhead(this.bulkhead);
	}

	@SuppressWarnings("unchecked")
	private Mono<Object> mono() {
		return (Mono<Object>) builder(true).build().invoke(this.answers);
	}

	/** The method: each invocation answers the next supplier. */
	private static final class Answers implements Invocation {

		private final Deque<Supplier<? extends Mono<String>>> next = new ArrayDeque<>();

		private final AtomicInteger calls = new AtomicInteger();

		private int answered;

		@SafeVarargs
		final void next(Supplier<? extends Mono<String>>... answers) {
			this.next.addAll(List.of(answers));
			this.answered += answers.length;
		}

		@Override
		public Object proceed() {
			this.calls.incrementAndGet();
			return this.next.removeFirst().get();
		}

		@Override
		public Object[] getArguments() {
			return new Object[0];
		}

		@Override
		public Object getTarget() {
			return null;
		}

	}

}
