package dev.resilience.internal;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Conversions that saturate instead of throwing, and durations written as a person writes
 * them.
 */
class DurationsTests {

	private static final Duration LONGEST = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

	private static final Duration SHORTEST = Duration.ofSeconds(Long.MIN_VALUE);

	@Test
	void toNanosIsExactWhereItFits() {
		assertThat(Durations.toNanosSaturated(Duration.ZERO)).isZero();
		assertThat(Durations.toNanosSaturated(Duration.ofMillis(250))).isEqualTo(250_000_000L);
		assertThat(Durations.toNanosSaturated(Duration.ofNanos(-1))).isEqualTo(-1L);
		assertThat(Durations.toNanosSaturated(Duration.ofNanos(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
		assertThat(Durations.toNanosSaturated(Duration.ofNanos(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE);
	}

	@Test
	void toNanosSaturatesAtBothEnds() {
		assertThat(Durations.toNanosSaturated(Duration.ofNanos(Long.MAX_VALUE).plusNanos(1))).isEqualTo(Long.MAX_VALUE);
		assertThat(Durations.toNanosSaturated(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
		assertThat(Durations.toNanosSaturated(LONGEST)).isEqualTo(Long.MAX_VALUE);
		assertThat(Durations.toNanosSaturated(Duration.of(10_000, ChronoUnit.DAYS))).as("10000d still fits")
			.isEqualTo(864_000_000_000_000_000L);
		assertThat(Durations.toNanosSaturated(Duration.of(1_000_000, ChronoUnit.DAYS))).as("1000000d does not")
			.isEqualTo(Long.MAX_VALUE);
		assertThat(Durations.toNanosSaturated(Duration.ofNanos(Long.MIN_VALUE).minusNanos(1)))
			.isEqualTo(Long.MIN_VALUE);
		assertThat(Durations.toNanosSaturated(SHORTEST)).isEqualTo(Long.MIN_VALUE);
	}

	@Test
	void toNanosAtMostCapsAndSaturates() {
		assertThat(Durations.toNanosAtMost(Duration.ofSeconds(1), Long.MAX_VALUE)).isEqualTo(1_000_000_000L);
		assertThat(Durations.toNanosAtMost(Duration.ofSeconds(1), 1_000L)).isEqualTo(1_000L);
		assertThat(Durations.toNanosAtMost(Duration.ofSeconds(Long.MAX_VALUE), Long.MAX_VALUE / 2))
			.isEqualTo(Long.MAX_VALUE / 2);
		assertThat(Durations.toNanosAtMost(SHORTEST, 1_000L)).isEqualTo(Long.MIN_VALUE);
	}

	@Test
	void toMillisIsExactWhereItFitsAndTruncates() {
		assertThat(Durations.toMillisSaturated(Duration.ofMillis(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
		assertThat(Durations.toMillisSaturated(Duration.ofNanos(1_500_000))).isEqualTo(1L);
		assertThat(Durations.toMillisSaturated(Duration.ofSeconds(30))).isEqualTo(30_000L);
	}

	@Test
	void toMillisSaturatesAtBothEnds() {
		assertThat(Durations.toMillisSaturated(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
		assertThat(Durations.toMillisSaturated(Duration.ofMillis(Long.MAX_VALUE).plusMillis(1)))
			.isEqualTo(Long.MAX_VALUE);
		assertThat(Durations.toMillisSaturated(LONGEST)).isEqualTo(Long.MAX_VALUE);
		assertThat(Durations.toMillisSaturated(SHORTEST)).isEqualTo(Long.MIN_VALUE);
	}

	@Test
	void formatsZeroInMilliseconds() {
		assertThat(Durations.format(Duration.ZERO)).isEqualTo("0ms");
	}

	@Test
	void formatsInTheLargestWholeUnit() {
		assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
		assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
		assertThat(Durations.format(Duration.ofSeconds(60))).isEqualTo("1m");
		assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
		assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
		assertThat(Durations.format(Duration.ofHours(24))).isEqualTo("1d");
		assertThat(Durations.format(Duration.ofHours(36))).isEqualTo("36h");
		assertThat(Durations.format(Duration.ofMillis(1000))).isEqualTo("1s");
	}

	@Test
	void formatsADurationThatIsNoWholeNumberOfTheNextUnitInTheSmallerOne() {
		assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
		assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
		assertThat(Durations.format(Duration.ofNanos(1_500_000))).as("1.5ms").isEqualTo("1500us");
		assertThat(Durations.format(Duration.ofNanos(1_000))).isEqualTo("1us");
		assertThat(Durations.format(Duration.ofNanos(1))).isEqualTo("1ns");
		assertThat(Durations.format(Duration.ofSeconds(1, 1))).isEqualTo("1000000001ns");
	}

	@Test
	void formatsNegativeDurationsWithTheirSign() {
		assertThat(Durations.format(Duration.ofSeconds(-60))).isEqualTo("-1m");
		assertThat(Durations.format(Duration.ofMillis(-250))).isEqualTo("-250ms");
		assertThat(Durations.format(Duration.ofNanos(-1))).isEqualTo("-1ns");
	}

	@Test
	void formatsHugeDurationsWithoutOverflowing() {
		assertThat(Durations.format(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE + "s");
		assertThat(Durations.format(Duration.of(10_000, ChronoUnit.DAYS))).isEqualTo("10000d");
		assertThat(Durations.format(Duration.ofSeconds(Long.MAX_VALUE / 1_000 - 2, 1_000_000)))
			.isEqualTo((Long.MAX_VALUE / 1_000 - 2) * 1_000 + 1 + "ms");
		assertThat(Durations.format(LONGEST)).as("no whole unit fits a long: the ISO form")
			.isEqualTo(LONGEST.toString());
		assertThat(Durations.format(Duration.ofSeconds(Long.MAX_VALUE, 1_000)))
			.isEqualTo(Duration.ofSeconds(Long.MAX_VALUE, 1_000).toString());
	}

	@Test
	void formatsTheExtremesOfEachUnitWithoutThrowing() {
		assertThat(Durations.format(Duration.ofMillis(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE + "ms");
		assertThat(Durations.format(Duration.ofMillis(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE + "ms");
		Duration belowMillis = Duration.ofSeconds(Long.MIN_VALUE, 1_000_000);
		assertThat(Durations.format(belowMillis)).as("too many milliseconds for a long: the ISO form")
			.isEqualTo(belowMillis.toString());
		Duration belowMicros = Duration.ofSeconds(Long.MIN_VALUE / 1_000, 1_000);
		assertThat(Durations.format(belowMicros)).isEqualTo(belowMicros.toString());
	}

	@Test
	void formatRefusesNull() {
		assertThatNullPointerException().isThrownBy(() -> Durations.format(null)).withMessageContaining("duration");
	}

}
