package dev.resilience.circuitbreaker;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call whose own stage is cancelled (a hedge stopping a losing attempt) is no outcome
 * of the downstream: the breaker records nothing for it and a half-open trial permit
 * comes back, as for a cancelled subscription.
 */
class CancelledCallTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final FakeTicker ticker = new FakeTicker();

	private CircuitBreaker breaker() {
		return CircuitBreaker.of("cancelled",
				CircuitBreakerConfig.custom()
					.slidingWindowSize(2)
					.minimumNumberOfCalls(2)
					.waitDurationInOpenState(WAIT)
					.permittedNumberOfCallsInHalfOpenState(1)
					.build(),
				this.ticker);
	}

	@Test
	void cancelledOwnStageIsNeitherSuccessNorFailure() {
		CircuitBreaker breaker = breaker();
		for (int i = 0; i < 5; i++) {
			CompletableFuture<String> own = new CompletableFuture<>();
			CompletionStage<String> handed = breaker.executeAsync((ignored) -> own, null);
			own.cancel(true);
			assertThat(handed.toCompletableFuture()).isCompletedExceptionally();
		}
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@Test
	void cancelledTrialCallGivesItsPermitBack() {
		CircuitBreaker breaker = breaker();
		breaker.transitionToOpenState();
		this.ticker.advance(WAIT);
		assertThat(breaker.getState()).isEqualTo(State.HALF_OPEN);
		CompletableFuture<String> own = new CompletableFuture<>();
		breaker.executeAsync((ignored) -> own, null);
		own.cancel(true);
		CompletableFuture<String> next = new CompletableFuture<>();
		CompletionStage<String> admitted = breaker.executeAsync((ignored) -> next, null);
		assertThat(admitted.toCompletableFuture()).as("the permit came back").isNotDone();
		next.complete("ok");
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
	}

}
