package dev.resilience.spring.support;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both styles write a duration in the largest of their units that represents it exactly,
 * so the endpoint and the error messages read back as the same duration.
 */
class DurationFormatTests {

	@ParameterizedTest(name = "{0} -> {1} / {2}")
	@CsvSource(delimiter = '|', textBlock = """
			PT0S          | 0s          | 0ms
			PT60S         | 60s         | 1m
			PT-60S        | -60s        | -1m
			PT24H         | 86400s      | 1d
			PT2H          | 7200s       | 2h
			PT10M         | 600s        | 10m
			PT30S         | 30s         | 30s
			PT1.5S        | 1500ms      | 1500ms
			PT0.2S        | 200ms       | 200ms
			PT-0.005S     | -5ms        | -5ms
			PT-1.5S       | -1500ms     | -1500ms
			PT0.00025S    | 250000ns    | 250us
			PT0.000000007S| 7ns         | 7ns
			PT-0.0000015S | -1500ns     | -1500ns
			PT90061.001S  | 90061001ms  | 90061001ms
			""")
	void writesTheLargestExactUnitOfEachStyle(String iso, String endpoint, String message) {
		Duration duration = Duration.parse(iso);
		assertThat(DurationFormat.inSecondsOrFiner(duration)).isEqualTo(endpoint);
		assertThat(DurationFormat.inLargestUnit(duration)).isEqualTo(message);
	}

	@Test
	void whatEachStyleWritesReadsBackAsTheSameDuration() {
		Duration duration = Duration.ofDays(3).plusMillis(7);
		assertThat(parse(DurationFormat.inSecondsOrFiner(duration))).isEqualTo(duration);
		assertThat(parse(DurationFormat.inLargestUnit(duration))).isEqualTo(duration);
	}

	@Test
	void writesADurationTooLongForItsFinestExactUnitInIso8601() {
		Duration longest = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
		assertThat(DurationFormat.inSecondsOrFiner(longest)).isEqualTo(longest.toString());
		assertThat(DurationFormat.inLargestUnit(longest)).isEqualTo(longest.toString());
		assertThat(DurationFormat.inLargestUnit(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE + "s");
	}

	private static Duration parse(String text) {
		return DurationStyle.SIMPLE.parse(text);
	}

}
