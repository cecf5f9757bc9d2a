package dev.resilience.timeout;

import java.time.Duration;

import static dev.resilience.internal.Requirements.requirePositive;

/**
 * Immutable configuration of a {@link Timeout}. Built with {@link #custom()}; the
 * defaults are those of {@code resilience.timeout.defaults}.
 */
public final class TimeoutConfig {

	public static final Duration DEFAULT_DURATION = Duration.ofSeconds(1);

	public static final boolean DEFAULT_INTERRUPT = true;

	private static final TimeoutConfig DEFAULTS = custom().build();

	private final Duration duration;

	private final boolean interrupt;

	private TimeoutConfig(Builder builder) {
		this.duration = builder.duration;
		this.interrupt = builder.interrupt;
	}

	public static TimeoutConfig ofDefaults() {
		return DEFAULTS;
	}

	public static Builder custom() {
		return new Builder();
	}

	public Builder toBuilder() {
		return new Builder().duration(this.duration).interrupt(this.interrupt);
	}

	/** How long a call may take, from the moment the timeout admits it. */
	public Duration getDuration() {
		return this.duration;
	}

	/**
	 * Whether the thread of a synchronous call is interrupted at the deadline. Either way
	 * the call fails with {@link TimeoutExceededException} once it returns or throws.
	 */
	public boolean isInterrupt() {
		return this.interrupt;
	}

	@Override
	public String toString() {
		return "TimeoutConfig[duration=" + this.duration + ", interrupt=" + this.interrupt + "]";
	}

	/** Builder; each setter validates its argument. */
	public static final class Builder {

		private Duration duration = DEFAULT_DURATION;

		private boolean interrupt = DEFAULT_INTERRUPT;

		private Builder() {
		}

		/**
		 * @throws IllegalArgumentException if {@code duration} is zero or negative
		 */
		public Builder duration(Duration duration) {
			this.duration = requirePositive(duration, "duration");
			return this;
		}

		public Builder interrupt(boolean interrupt) {
			this.interrupt = interrupt;
			return this;
		}

		public TimeoutConfig build() {
			return new TimeoutConfig(this);
		}

	}

}
