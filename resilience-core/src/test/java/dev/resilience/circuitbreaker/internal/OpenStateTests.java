package dev.resilience.circuitbreaker.internal;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The open state on its own: it refuses and records nothing, its wait is measured from
 * the moment it was entered, and a wait too long for a {@code long} of nanoseconds never
 * elapses.
 */
class OpenStateTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final FakeTicker ticker = new FakeTicker();

	private final Transitions transitions = new Transitions();

	private CircuitBreakerStateMachine breaker(Duration wait) {
		CircuitBreakerStateMachine breaker = new CircuitBreakerStateMachine("open",
				CircuitBreakerConfig.custom().waitDurationInOpenState(wait).build(), this.ticker);
		breaker.addListener(this.transitions);
		return breaker;
	}

	private OpenState open(CircuitBreakerStateMachine breaker) {
		breaker.transitionToOpenState();
		return (OpenState) breaker.currentState();
	}

	@Test
	void refusesAndCountsTheRefusal() {
		CircuitBreakerStateMachine breaker = breaker(WAIT);
		OpenState open = open(breaker);
		assertThat(open.admit()).isNull();
		assertThat(open.tryAcquirePermission()).isFalse();
		assertThatExceptionOfType(CallNotPermittedException.class)
			.isThrownBy(() -> breaker.execute((argument) -> argument, "refused"))
			.withMessageContaining("'open'")
			.withMessageContaining("OPEN");
		assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
	}

	@Test
	void recordsNothing() {
		CircuitBreakerStateMachine breaker = breaker(WAIT);
		OpenState open = open(breaker);
		open.onError(0, new IOException());
		open.onSuccess(0);
		open.release();
		assertThat(open.counts().bufferedCalls()).isZero();
		assertThat(breaker.currentState()).isSameAs(open);
	}

	@Test
	void waitIsMeasuredFromTheMomentItWasEntered() {
		CircuitBreakerStateMachine breaker = breaker(WAIT);
		this.ticker.advance(Duration.ofHours(1));
		OpenState open = open(breaker);
		this.ticker.advance(WAIT.minusNanos(1));
		assertThat(open.waitElapsed()).isFalse();
		assertThat(breaker.currentState()).isSameAs(open);
		this.ticker.advanceNanos(1);
		assertThat(open.waitElapsed()).isTrue();
		assertThat(breaker.currentState()).isInstanceOf(HalfOpenState.class);
		assertThat(this.transitions.heard).last().isEqualTo("OPEN -> HALF_OPEN: wait duration 30s elapsed");
	}

	@Test
	void waitLongerThanALongOfNanosecondsNeverElapses() {
		CircuitBreakerStateMachine breaker = breaker(Duration.ofSeconds(Long.MAX_VALUE));
		OpenState open = open(breaker);
		this.ticker.advanceNanos(Long.MAX_VALUE / 2);
		assertThat(open.waitElapsed()).isFalse();
		assertThat(breaker.currentState()).isSameAs(open);
	}

	@Test
	void manualOpenKeepsTheCountsOfTheStateItLeft() {
		CircuitBreakerStateMachine breaker = breaker(WAIT);
		BreakerState closed = breaker.currentState();
		closed.onSuccess(0);
		closed.onError(0, new IOException());
		OpenState open = open(breaker);
		assertThat(open.counts()).isSameAs(closed.counts());
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(2);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

}
