package dev.resilience.timeout;

import java.time.Duration;

import dev.resilience.ResilienceException;
import dev.resilience.internal.Durations;

/**
 * A call protected by a {@link Timeout} did not end within its duration. For a
 * synchronous call it is thrown once the call returns or throws (its own failure, if any,
 * is attached as suppressed); for an asynchronous or reactive one the result fails with
 * it at the deadline.
 */
public class TimeoutExceededException extends ResilienceException {

	private final Duration duration;

	/**
	 * @param timeoutName name of the timeout that expired
	 * @param duration its configured duration
	 */
	public TimeoutExceededException(String timeoutName, Duration duration) {
		super(timeoutName, "Timeout '" + timeoutName + "': the call did not end within " + Durations.format(duration));
		this.duration = duration;
	}

	/** The configured duration that the call exceeded. */
	public Duration getDuration() {
		return this.duration;
	}

}
