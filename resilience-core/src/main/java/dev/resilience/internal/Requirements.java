package dev.resilience.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks whose messages name the argument and what would be accepted. */
public final class Requirements {

	private Requirements() {
	}

	public static void requireArgument(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

	public static <T> T requireNonNull(T value, String name) {
		return Objects.requireNonNull(value, () -> name + " must not be null");
	}

	public static int requireAtLeast(int value, int minimum, String name) {
		requireArgument(value >= minimum, name + " must be at least " + minimum + " but was " + value);
		return value;
	}

	public static Duration requireNonNegative(Duration value, String name) {
		requireNonNull(value, name);
		requireArgument(!value.isNegative(), name + " must not be negative but was " + value);
		return value;
	}

	public static Duration requirePositive(Duration value, String name) {
		requireNonNull(value, name);
		requireArgument(!value.isNegative() && !value.isZero(), name + " must be positive but was " + value);
		return value;
	}

	/** For percentages and ratios: {@code value} in {@code (0, max]}. */
	public static float requireInLeftOpenRange(float value, float max, String name) {
		requireArgument(value > 0 && value <= max, name + " must be in (0, " + max + "] but was " + value);
		return value;
	}

}
