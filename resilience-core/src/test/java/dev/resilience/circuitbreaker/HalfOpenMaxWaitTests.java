package dev.resilience.circuitbreaker;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code max-wait-duration-in-half-open-state}: trial calls that never end cannot hold a
 * breaker half-open, refusing every other call, forever.
 */
class HalfOpenMaxWaitTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Duration MAX_WAIT = Duration.ofSeconds(5);

	private final FakeTicker ticker = new FakeTicker();

	private final RecordingListener listener = new RecordingListener();

	private CircuitBreaker halfOpenBreaker(Duration maxWait) {
		CircuitBreaker breaker = CircuitBreaker.of("trial",
				CircuitBreakerConfig.custom()
					.waitDurationInOpenState(WAIT)
					.permittedNumberOfCallsInHalfOpenState(2)
					.maxWaitDurationInHalfOpenState(maxWait)
					.build(),
				this.ticker);
		breaker.addListener(this.listener);
		breaker.transitionToOpenState();
		this.ticker.advance(WAIT);
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
		this.listener.transitions.clear();
		return breaker;
	}

	@Test
	void halfOpenBreakerReopensOnceMaxWaitElapsesWithTrialCallsOutstanding() {
		CircuitBreaker breaker = halfOpenBreaker(MAX_WAIT);
		breaker.executeAsync((ignored) -> new CompletableFuture<String>(), null);
		breaker.executeAsync((ignored) -> new CompletableFuture<String>(), null);
		this.ticker.advance(MAX_WAIT.minusNanos(1));
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
		this.ticker.advanceNanos(1);
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		assertThat(this.listener.transitions).singleElement()
			.hasToString("CircuitBreaker 'trial' HALF_OPEN -> OPEN: max wait duration in half-open state 5s elapsed");
		this.ticker.advance(WAIT);
		assertThat(breaker.getState()).as("a new half-open state, with fresh trial permits").isEqualTo(State.HALF_OPEN);
		assertThat(breaker.tryAdmit()).isNotNull();
	}

	@Test
	void maxWaitIsCheckedWhenTheNextCallAsksForAPermission() {
		CircuitBreaker breaker = halfOpenBreaker(MAX_WAIT);
		breaker.executeAsync((ignored) -> new CompletableFuture<String>(), null);
		breaker.executeAsync((ignored) -> new CompletableFuture<String>(), null);
		this.ticker.advance(MAX_WAIT);
		CompletionStage<String> refused = breaker.executeAsync((ignored) -> CompletableFuture.completedFuture("x"),
				null);
		assertThat(refused.toCompletableFuture()).failsWithin(Duration.ZERO)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(CallNotPermittedException.class)
			.withMessageContaining("OPEN");
		assertThat(this.listener.transitions).singleElement()
			.satisfies((transition) -> assertThat(transition.to()).isEqualTo(State.OPEN));
	}

	@Test
	void trialCallEndingAfterMaxWaitIsNotCountedAndReopensTheBreaker() {
		CircuitBreaker breaker = halfOpenBreaker(MAX_WAIT);
		CompletableFuture<String> first = new CompletableFuture<>();
		CompletableFuture<String> second = new CompletableFuture<>();
		breaker.executeAsync((ignored) -> first, null);
		breaker.executeAsync((ignored) -> second, null);
		first.complete("in time");
		this.ticker.advance(MAX_WAIT);
		second.complete("too late");
		assertThat(breaker.getState()).as("two successes, but the second came after the max wait")
			.isEqualTo(State.OPEN);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(1);
	}

	@Test
	void synchronousTrialCallEndingAfterMaxWaitIsNotCounted() throws Exception {
		CircuitBreaker breaker = halfOpenBreaker(MAX_WAIT);
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		Thread trial = new Thread(() -> {
			try {
				breaker.execute((ignored) -> {
					inside.countDown();
					release.await();
					return "late";
				}, null);
			}
			catch (Throwable ex) {
				thrown.set(ex);
			}
		});
		trial.start();
		inside.await();
		breaker.executeSupplier(() -> "in time");
		this.ticker.advance(MAX_WAIT);
		release.countDown();
		trial.join();
		assertThat(thrown).hasNullValue();
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(1);
	}

	@Test
	void trialCallsEndingWithinMaxWaitCloseTheBreaker() {
		CircuitBreaker breaker = halfOpenBreaker(MAX_WAIT);
		breaker.executeSupplier(() -> "one");
		this.ticker.advance(MAX_WAIT.minusNanos(1));
		breaker.executeSupplier(() -> "two");
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
	}

	@Test
	void zeroMaxWaitWaitsForTheTrialCallsHoweverLongTheyTake() {
		CircuitBreaker breaker = halfOpenBreaker(Duration.ZERO);
		CompletableFuture<String> first = new CompletableFuture<>();
		breaker.executeAsync((ignored) -> first, null);
		breaker.executeAsync((ignored) -> CompletableFuture.completedFuture("x"), null);
		this.ticker.advance(Duration.ofDays(365));
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
		first.complete("after a year");
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
	}

	@Test
	void maxWaitCountsFromTheMomentTheBreakerBecameHalfOpen() {
		CircuitBreaker breaker = CircuitBreaker.of("trial",
				CircuitBreakerConfig.custom()
					.waitDurationInOpenState(WAIT)
					.permittedNumberOfCallsInHalfOpenState(1)
					.maxWaitDurationInHalfOpenState(MAX_WAIT)
					.build(),
				this.ticker);
		breaker.transitionToOpenState();
		// Nobody looks at the breaker for a long time: it turns half-open when next
		// asked, not before.
		this.ticker.advance(WAIT.plus(MAX_WAIT).multipliedBy(3));
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
		assertThat(breaker.tryAdmit()).isNotNull();
	}

	@Test
	void defaultMaxWaitIsZero() {
		assertThat(CircuitBreakerConfig.ofDefaults().getMaxWaitDurationInHalfOpenState()).isZero();
	}

	@Test
	void negativeMaxWaitIsRefusedNamingTheSetting() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CircuitBreakerConfig.custom().maxWaitDurationInHalfOpenState(Duration.ofMillis(-1)))
			.withMessageContaining("maxWaitDurationInHalfOpenState")
			.withMessageContaining("negative");
	}

	@Test
	void maxWaitSurvivesToBuilder() {
		CircuitBreakerConfig config = CircuitBreakerConfig.custom().maxWaitDurationInHalfOpenState(MAX_WAIT).build();
		assertThat(config.toBuilder().build().getMaxWaitDurationInHalfOpenState()).isEqualTo(MAX_WAIT);
	}

}
