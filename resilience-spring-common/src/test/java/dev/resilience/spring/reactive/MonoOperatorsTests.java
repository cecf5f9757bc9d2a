package dev.resilience.spring.reactive;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import dev.resilience.ContextPropagator;
import dev.resilience.Invocation;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryConfig;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code Mono} operators of the breaker and the retry ({@link BreakerMono},
 * {@link RetryMono}) driven directly: demand, empty results, and signals at the edges
 * that the annotated-method tests do not reach.
 */
class MonoOperatorsTests {

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final CircuitBreaker breaker = CircuitBreaker.of("mono", CircuitBreakerConfig.ofDefaults(), this.ticker);

	private final Retry retry = Retry.of("mono",
			RetryConfig.custom()
				.maxAttempts(3)
				.waitDuration(Duration.ofMillis(100))
				.backoff(RetryConfig.Backoff.FIXED)
				.jitter(RetryConfig.Jitter.NONE)
				.build(),
			this.ticker, this.scheduler, ContextPropagator.NONE);

	private final ReactivePipeline pipeline = ReactivePipeline
		.builder("MonoOperatorsTests.call()", true, this.ticker, this.scheduler, ContextPropagator.NONE)
		.circuitBreaker(this.breaker)
		.retry(this.retry)
		.build();

	private final Answers answers = new Answers();

	@Test
	void aRetriedAttemptEmitsOnlyOnceTheSubscriberAsks() {
		this.answers.next(() -> Mono.error(new IOException("first")), () -> Mono.just("second"));
		StepVerifier.create(call(), 0).then(this.scheduler::runAll).expectNoEvent(Duration.ZERO).then(() -> {
			assertThat(this.answers.calls.get()).isEqualTo(2);
		}).thenRequest(1).expectNext("second").verifyComplete();
	}

	@Test
	void eachAttemptIsAdmittedAndRecordedByTheBreakerOnce() {
		this.answers.next(() -> Mono.error(new IOException("1")), () -> Mono.error(new IOException("2")),
				() -> Mono.just("third"));
		StepVerifier.create(call()).then(this.scheduler::runAll).expectNext("third").verifyComplete();
		assertThat(this.breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
		assertThat(this.breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
		assertThat(this.retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
		assertThat(this.retry.getMetrics().getNumberOfRetryAttempts()).isEqualTo(2);
	}

	@Test
	void anEmptyMonoIsASuccess() {
		this.answers.next(Mono::empty);
		StepVerifier.create(call()).verifyComplete();
		assertThat(this.breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
		assertThat(this.retry.getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt()).isEqualTo(1);
	}

	@Test
	void aCancelBeforeTheFirstAttemptInvokesNothing() {
		this.answers.next(() -> Mono.just("never"));
		call().subscribe(new BaseSubscriber<>() {

			@Override
			protected void hookOnSubscribe(Subscription subscription) {
				cancel();
			}

		});
		assertThat(this.answers.calls.get()).isZero();
		assertThat(this.breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@Test
	void aCancelDuringTheBackoffLeavesNoScheduledAttempt() {
		this.answers.next(() -> Mono.error(new IOException("first")), () -> Mono.just("second"));
		call().subscribe().dispose();
		assertThat(this.scheduler.pendingTasks()).isZero();
		this.scheduler.runAll();
		assertThat(this.answers.calls.get()).isEqualTo(1);
	}

	@SuppressWarnings("unchecked")
	private Mono<Object> call() {
		return (Mono<Object>) this.pipeline.invoke(this.answers);
	}

	/** The method: each invocation answers the next supplier. */
	private static final class Answers implements Invocation {

		private final Deque<Supplier<? extends Mono<String>>> next = new ArrayDeque<>();

		private final AtomicInteger calls = new AtomicInteger();

		@SafeVarargs
		final void next(Supplier<? extends Mono<String>>... answers) {
			this.next.addAll(List.of(answers));
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
