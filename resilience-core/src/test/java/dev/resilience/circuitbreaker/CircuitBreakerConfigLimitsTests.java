package dev.resilience.circuitbreaker;

import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Limits the breaker's packed counters put on the configuration, checked when it is
 * built.
 */
class CircuitBreakerConfigLimitsTests {

	@Test
	void countBasedWindowOfAMillionCallsIsAccepted() {
		CircuitBreakerConfig config = CircuitBreakerConfig.custom().slidingWindowSize(1_000_000).build();
		assertThat(CircuitBreaker.of("big", config).getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@Test
	void countBasedWindowAboveAMillionCallsIsRejectedNamingTheLimit() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CircuitBreakerConfig.custom().slidingWindowSize(1_000_001).build())
			.withMessage("slidingWindowSize (1000001) must be at most 1000000 when slidingWindowType is COUNT_BASED");
	}

	@Test
	void permittedCallsInHalfOpenStateAboveAMillionAreRejectedNamingTheLimit() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CircuitBreakerConfig.custom().permittedNumberOfCallsInHalfOpenState(1_000_001).build())
			.withMessage("permittedNumberOfCallsInHalfOpenState (1000001) must be at most 1000000");
	}

	@Test
	void timeBasedWindowCountsAnyNumberOfCalls() {
		CircuitBreakerConfig config = CircuitBreakerConfig.custom()
			.slidingWindowType(SlidingWindowType.TIME_BASED)
			.slidingWindowSize(3600)
			.minimumNumberOfCalls(5_000_000)
			.build();
		assertThat(config.getMinimumNumberOfCalls()).isEqualTo(5_000_000);
	}

}
