package dev.resilience.circuitbreaker;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/** Count-based and time-based windows, observed through the breaker's metrics. */
class SlidingWindowTests {

	private final FakeTicker ticker = new FakeTicker();

	private CircuitBreaker countBased(int size, int minimumNumberOfCalls, float failureRateThreshold) {
		return CircuitBreaker.of("window",
				CircuitBreakerConfig.custom()
					.slidingWindowSize(size)
					.minimumNumberOfCalls(minimumNumberOfCalls)
					.failureRateThreshold(failureRateThreshold)
					.build(),
				this.ticker);
	}

	private CircuitBreaker timeBased(int seconds, int minimumNumberOfCalls, float failureRateThreshold) {
		return CircuitBreaker.of("window",
				CircuitBreakerConfig.custom()
					.slidingWindowType(SlidingWindowType.TIME_BASED)
					.slidingWindowSize(seconds)
					.minimumNumberOfCalls(minimumNumberOfCalls)
					.failureRateThreshold(failureRateThreshold)
					.build(),
				this.ticker);
	}

	private static void record(CircuitBreaker breaker, String outcomes) {
		for (char outcome : outcomes.toCharArray()) {
			switch (outcome) {
				case 'S' -> breaker.onSuccess(0);
				case 'F' -> breaker.onError(0, new IOException());
				default -> throw new IllegalArgumentException(String.valueOf(outcome));
			}
		}
	}

	@Test
	void countBasedWindowKeepsOnlyTheLastCalls() {
		CircuitBreaker breaker = countBased(4, 4, 100);
		record(breaker, "FFFS");
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
		record(breaker, "SS");
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(4);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
		assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(3);
		assertThat(breaker.getMetrics().getFailureRate()).isEqualTo(25f);
		record(breaker, "S");
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void countBasedWindowOpensWhenAnEvictionLeavesEnoughFailures() {
		CircuitBreaker breaker = countBased(4, 4, 75);
		record(breaker, "SFFS");
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		record(breaker, "F");
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
	}

	@Test
	void successThatCompletesTheMinimumCanOpenTheBreaker() {
		CircuitBreaker breaker = countBased(10, 4, 50);
		record(breaker, "FFF");
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		record(breaker, "S");
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
	}

	@Test
	void countBasedWindowOfOneCall() {
		CircuitBreaker breaker = countBased(1, 1, 100);
		record(breaker, "S");
		assertThat(breaker.getMetrics().getFailureRate()).isZero();
		record(breaker, "F");
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
	}

	@Test
	void timeBasedWindowCountsCallsAcrossSeconds() {
		CircuitBreaker breaker = timeBased(10, 1, 100);
		record(breaker, "SF");
		this.ticker.advance(Duration.ofSeconds(3));
		record(breaker, "SS");
		this.ticker.advance(Duration.ofSeconds(6));
		record(breaker, "F");
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(5);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(2);
		assertThat(breaker.getMetrics().getFailureRate()).isEqualTo(40f);
	}

	@Test
	void timeBasedBucketsExpireAsTimeAdvancesWithoutCalls() {
		CircuitBreaker breaker = timeBased(3, 1, 100);
		record(breaker, "SF");
		this.ticker.advance(Duration.ofSeconds(1));
		record(breaker, "S");
		this.ticker.advance(Duration.ofSeconds(1));
		record(breaker, "SS");
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(5);
		this.ticker.advance(Duration.ofSeconds(1));
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(3);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
		this.ticker.advance(Duration.ofSeconds(1));
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(2);
		this.ticker.advance(Duration.ofSeconds(1));
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
		assertThat(breaker.getMetrics().getFailureRate()).isEqualTo(-1f);
	}

	@Test
	void timeBasedBucketsAreWholeSecondsOfTickerTime() {
		CircuitBreaker breaker = timeBased(2, 1, 100);
		long intoSecond = this.ticker.read() % 1_000_000_000L;
		this.ticker.advanceNanos(999_999_999L - intoSecond);
		record(breaker, "S");
		this.ticker.advanceNanos(1);
		record(breaker, "F");
		this.ticker.advance(Duration.ofMillis(999));
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(2);
		this.ticker.advance(Duration.ofMillis(1));
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(1);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@Test
	void timeBasedWindowForgetsEverythingAfterAGapLongerThanItself() {
		CircuitBreaker breaker = timeBased(5, 1, 100);
		record(breaker, "SSF");
		this.ticker.advance(Duration.ofSeconds(2));
		record(breaker, "S");
		this.ticker.advance(Duration.ofSeconds(42));
		record(breaker, "F");
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(1);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@Test
	void timeBasedWindowReusesBucketsOfExpiredSeconds() {
		CircuitBreaker breaker = timeBased(2, 1, 100);
		for (int second = 0; second < 7; second++) {
			record(breaker, "S");
			this.ticker.advance(Duration.ofSeconds(1));
		}
		record(breaker, "S");
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(2);
	}

	@Test
	void timeBasedWindowOpensOnceTheMinimumIsReachedOverSeveralSeconds() {
		CircuitBreaker breaker = timeBased(10, 4, 50);
		record(breaker, "FF");
		this.ticker.advance(Duration.ofSeconds(4));
		record(breaker, "S");
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		this.ticker.advance(Duration.ofSeconds(4));
		record(breaker, "S");
		assertThat(breaker.getState()).isEqualTo(State.OPEN);
	}

	@Test
	void timeBasedWindowDoesNotOpenOnFailuresThatHaveExpired() {
		CircuitBreaker breaker = timeBased(10, 4, 50);
		record(breaker, "FFF");
		this.ticker.advance(Duration.ofSeconds(10));
		record(breaker, "S");
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isEqualTo(1);
	}

}
