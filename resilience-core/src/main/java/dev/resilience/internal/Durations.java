package dev.resilience.internal;

import java.time.Duration;

/**
 * The one place where a configured {@link Duration} becomes a number of nanoseconds or
 * milliseconds, and where a duration is written for a person to read. Configured
 * durations may be huge ({@code 10000d}, {@code Duration.ofSeconds(Long.MAX_VALUE)} for
 * "never"); converting them saturates instead of throwing.
 */
public final class Durations {

	private Durations() {
	}

	/**
	 * {@code duration} in nanoseconds, or {@link Long#MAX_VALUE} when it does not fit in
	 * a long.
	 */
	public static long toNanosSaturated(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
		}
	}

	/**
	 * {@code duration} in nanoseconds, at most {@code cap}: for a value that is later
	 * added to a ticker reading and must not overflow.
	 */
	public static long toNanosAtMost(Duration duration, long cap) {
		return Math.min(toNanosSaturated(duration), cap);
	}

	/**
	 * {@code duration} in milliseconds, or {@link Long#MAX_VALUE} when it does not fit in
	 * a long.
	 */
	public static long toMillisSaturated(Duration duration) {
		try {
			return duration.toMillis();
		}
		catch (ArithmeticException ex) {
			return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
		}
	}

	/**
	 * {@code duration} as a person writes it in YAML: {@code 250ms}, {@code 30s},
	 * {@code 5m}, {@code 2h}, {@code 1d} when it is a whole number of that unit, else in
	 * the largest unit that keeps it whole, down to {@code ns}.
	 */
	public static String format(Duration duration) {
		Requirements.requireNonNull(duration, "duration");
		if (duration.isZero()) {
			return "0ms";
		}
		long seconds = duration.getSeconds();
		int nanos = duration.getNano();
		if (nanos == 0) {
			if (seconds % 86_400 == 0) {
				return seconds / 86_400 + "d";
			}
			if (seconds % 3_600 == 0) {
				return seconds / 3_600 + "h";
			}
			if (seconds % 60 == 0) {
				return seconds / 60 + "m";
			}
			return seconds + "s";
		}
		try {
			if (nanos % 1_000_000 == 0) {
				return duration.toMillis() + "ms";
			}
			if (nanos % 1_000 == 0) {
				return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nanos / 1_000) + "us";
			}
			return duration.toNanos() + "ns";
		}
		catch (ArithmeticException ex) {
			// Too many of the unit for a long: ISO-8601 still says it exactly.
			return duration.toString();
		}
	}

}
