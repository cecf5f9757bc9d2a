package dev.resilience.spring.autoconfigure;

import java.time.Duration;
import java.util.Objects;

import dev.resilience.spring.autoconfigure.ResilienceProperties.Idempotency.OnInProgress;

/**
 * Effective idempotency settings of one instance: its {@code instances.<name>} keys over
 * {@code resilience.idempotency.defaults}, already validated.
 * <p>
 * Immutable and thread-safe.
 */
public final class IdempotencySettings {

	private final Duration ttl;

	private final Duration inProgressTimeout;

	private final OnInProgress onInProgress;

	private final Duration inProgressWait;

	public IdempotencySettings(Duration ttl, Duration inProgressTimeout, OnInProgress onInProgress,
			Duration inProgressWait) {
		this.ttl = Objects.requireNonNull(ttl, "ttl");
		this.inProgressTimeout = Objects.requireNonNull(inProgressTimeout, "inProgressTimeout");
		this.onInProgress = Objects.requireNonNull(onInProgress, "onInProgress");
		this.inProgressWait = Objects.requireNonNull(inProgressWait, "inProgressWait");
	}

	/** How long a completed result is kept and replayed; positive. */
	public Duration getTtl() {
		return this.ttl;
	}

	/** Lease of an unfinished claim, after which it may be taken over; positive. */
	public Duration getInProgressTimeout() {
		return this.inProgressTimeout;
	}

	public OnInProgress getOnInProgress() {
		return this.onInProgress;
	}

	/** Longest wait for a running call's result with {@link OnInProgress#WAIT}; not negative. */
	public Duration getInProgressWait() {
		return this.inProgressWait;
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof IdempotencySettings that)) {
			return false;
		}
		return this.ttl.equals(that.ttl) && this.inProgressTimeout.equals(that.inProgressTimeout)
				&& this.onInProgress == that.onInProgress && this.inProgressWait.equals(that.inProgressWait);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.ttl, this.inProgressTimeout, this.onInProgress, this.inProgressWait);
	}

	@Override
	public String toString() {
		return "IdempotencySettings[ttl=" + this.ttl + ", inProgressTimeout=" + this.inProgressTimeout
				+ ", onInProgress=" + this.onInProgress + ", inProgressWait=" + this.inProgressWait + "]";
	}

}
