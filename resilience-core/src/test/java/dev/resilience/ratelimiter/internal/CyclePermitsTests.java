package dev.resilience.ratelimiter.internal;

import org.junit.jupiter.api.Test;

import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The permit counter on its own: permit numbers per cycle, skipped idle cycles, waits,
 * and handing a permit back only while it is the last one taken.
 */
class CyclePermitsTests {

	private final FakeTicker ticker = new FakeTicker();

	private final CyclePermits permits = new CyclePermits(this.ticker, 100, 2);

	@Test
	void numbersPermitsByCycleAndSkipsThoseOfIdleCycles() {
		assertThat(this.permits.reserve(0)).isEqualTo(0);
		assertThat(this.permits.reserve(0)).isEqualTo(1);
		assertThat(this.permits.reserve(0)).as("refused, next permit in 100ns").isEqualTo(-100);
		this.ticker.advanceNanos(530);
		assertThat(this.permits.reserve(0)).as("first permit of cycle 5").isEqualTo(10);
		assertThat(this.permits.available()).isEqualTo(1);
	}

	@Test
	void reservesPermitsOfLaterCyclesInOrder() {
		this.ticker.advanceNanos(30);
		this.permits.reserve(0);
		this.permits.reserve(0);
		assertThat(this.permits.reserve(170)).isEqualTo(2);
		assertThat(this.permits.nanosUntilDue(2)).isEqualTo(70);
		assertThat(this.permits.reserve(170)).isEqualTo(3);
		assertThat(this.permits.reserve(170)).isEqualTo(4);
		assertThat(this.permits.nanosUntilDue(4)).isEqualTo(170);
		assertThat(this.permits.reserve(169)).isEqualTo(-170);
		assertThat(this.permits.available()).isEqualTo(-3);
		assertThat(this.permits.nanosUntilNextFree()).isEqualTo(170);
		this.ticker.advanceNanos(70);
		assertThat(this.permits.nanosUntilDue(2)).isZero();
		assertThat(this.permits.available()).isEqualTo(-1);
	}

	@Test
	void givesAPermitBackOnlyWhileItIsTheLastOneTaken() {
		this.permits.reserve(0);
		this.permits.reserve(0);
		long first = this.permits.reserve(200);
		long second = this.permits.reserve(200);
		assertThat(this.permits.giveBack(first)).isFalse();
		assertThat(this.permits.giveBack(second)).isTrue();
		assertThat(this.permits.giveBack(second)).as("given back once").isFalse();
		assertThat(this.permits.reserve(200)).isEqualTo(second);
	}

}
