package dev.resilience.spring.support;

import java.time.Duration;

/**
 * Durations written the way {@code application.yml} takes them (Spring's simple format: a
 * whole number and a unit), in the one rule the starter shows them by: the largest unit
 * of a style that represents the duration exactly. Two styles, because two outputs
 * already promise theirs:
 * <ul>
 * <li>{@link #inSecondsOrFiner}, for the {@code resilience} Actuator endpoint: seconds,
 * else milliseconds, else nanoseconds ({@code 60s}, {@code 86400s}, {@code 1500ms},
 * {@code 0s}), as the defaults are written in the configuration reference;</li>
 * <li>{@link #inLargestUnit}, for startup error messages: days down to nanoseconds
 * ({@code 1m}, {@code 1d}, {@code 500ms}, {@code 250us}), zero as {@code 0ms}.</li>
 * </ul>
 * A duration too long for its finest exact unit is written in ISO-8601
 * ({@link Duration#toString()}).
 */
public final class DurationFormat {

	private static final Unit[] SECONDS_OR_FINER = { Unit.SECONDS, Unit.MILLIS, Unit.NANOS };

	private static final Unit[] ALL_UNITS = Unit.values();

	private DurationFormat() {
	}

	/** {@code 60s}, {@code 1500ms}, {@code 1500ns}; zero is {@code 0s}. */
	public static String inSecondsOrFiner(Duration duration) {
		return format(duration, SECONDS_OR_FINER);
	}

	/**
	 * {@code 1d}, {@code 2h}, {@code 1m}, {@code 30s}, {@code 500ms}, {@code 250us},
	 * {@code 7ns}; zero is {@code 0ms}.
	 */
	public static String inLargestUnit(Duration duration) {
		return duration.isZero() ? "0ms" : format(duration, ALL_UNITS);
	}

	private static String format(Duration duration, Unit[] units) {
		long seconds = duration.getSeconds();
		int nanos = duration.getNano();
		for (Unit unit : units) {
			if (unit.seconds > 0) {
				if (nanos == 0 && seconds % unit.seconds == 0) {
					return (seconds / unit.seconds) + unit.suffix;
				}
			}
			else if (nanos % unit.nanos == 0) {
				try {
					long perSecond = 1_000_000_000L / unit.nanos;
					return Math.addExact(Math.multiplyExact(seconds, perSecond), nanos / unit.nanos) + unit.suffix;
				}
				catch (ArithmeticException ex) {
					return duration.toString();
				}
			}
		}
		return duration.toString();
	}

	/**
	 * A unit of Spring's simple duration format: whole seconds, or a fraction of a second
	 * in nanoseconds.
	 */
	private enum Unit {

		DAYS("d", 86_400, 0), HOURS("h", 3_600, 0), MINUTES("m", 60, 0), SECONDS("s", 1, 0), MILLIS("ms", 0, 1_000_000),
		MICROS("us", 0, 1_000), NANOS("ns", 0, 1);

		private final String suffix;

		private final long seconds;

		private final long nanos;

		Unit(String suffix, long seconds, long nanos) {
			this.suffix = suffix;
			this.seconds = seconds;
			this.nanos = nanos;
		}

	}

}
