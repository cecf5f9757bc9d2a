package dev.resilience.idempotency;

import java.time.Duration;

import static dev.resilience.internal.Requirements.requireArgument;
import static dev.resilience.internal.Requirements.requireAtLeast;
import static dev.resilience.internal.Requirements.requireNonNegative;
import static dev.resilience.internal.Requirements.requireNonNull;
import static dev.resilience.internal.Requirements.requirePositive;

/**
 * Immutable configuration of an idempotency instance. Built with {@link #custom()}; the
 * defaults are those of {@code resilience.idempotency} ({@code ttl},
 * {@code in-progress-timeout}, {@code on-in-progress}, {@code in-progress-wait},
 * {@code store-fallback-results} per instance; {@code key-prefix} and
 * {@code max-key-length} shared).
 */
public final class IdempotencyConfig {

	public static final Duration DEFAULT_TTL = Duration.ofHours(24);

	public static final Duration DEFAULT_IN_PROGRESS_TIMEOUT = Duration.ofSeconds(60);

	public static final OnInProgress DEFAULT_ON_IN_PROGRESS = OnInProgress.REJECT;

	public static final Duration DEFAULT_IN_PROGRESS_WAIT = Duration.ofSeconds(5);

	public static final boolean DEFAULT_STORE_FALLBACK_RESULTS = false;

	public static final String DEFAULT_KEY_PREFIX = "resilience:idem";

	public static final int DEFAULT_MAX_KEY_LENGTH = 255;

	private static final IdempotencyConfig DEFAULTS = custom().build();

	private final Duration ttl;

	private final Duration inProgressTimeout;

	private final OnInProgress onInProgress;

	private final Duration inProgressWait;

	private final boolean storeFallbackResults;

	private final String keyPrefix;

	private final int maxKeyLength;

	private IdempotencyConfig(Builder builder) {
		this.ttl = builder.ttl;
		this.inProgressTimeout = builder.inProgressTimeout;
		this.onInProgress = builder.onInProgress;
		this.inProgressWait = builder.inProgressWait;
		this.storeFallbackResults = builder.storeFallbackResults;
		this.keyPrefix = builder.keyPrefix;
		this.maxKeyLength = builder.maxKeyLength;
	}

	public static IdempotencyConfig ofDefaults() {
		return DEFAULTS;
	}

	public static Builder custom() {
		return new Builder();
	}

	public Builder toBuilder() {
		return new Builder().ttl(this.ttl)
			.inProgressTimeout(this.inProgressTimeout)
			.onInProgress(this.onInProgress)
			.inProgressWait(this.inProgressWait)
			.storeFallbackResults(this.storeFallbackResults)
			.keyPrefix(this.keyPrefix)
			.maxKeyLength(this.maxKeyLength);
	}

	/** How long a completed record (and so its replay) lives. */
	public Duration getTtl() {
		return this.ttl;
	}

	/** Lease of a claim: after this an unfinished call's record may be taken over. */
	public Duration getInProgressTimeout() {
		return this.inProgressTimeout;
	}

	public OnInProgress getOnInProgress() {
		return this.onInProgress;
	}

	/**
	 * With {@link OnInProgress#WAIT}, how long a repeat waits for the first call's
	 * result.
	 */
	public Duration getInProgressWait() {
		return this.inProgressWait;
	}

	/**
	 * Whether a degraded answer (a {@code FallbackAnswer}) is stored and replayed like a
	 * result of the method; by default it is returned but its claim released, so the next
	 * call runs again.
	 */
	public boolean isStoreFallbackResults() {
		return this.storeFallbackResults;
	}

	/**
	 * Namespace hashed into every record id, so that several applications may share a
	 * store.
	 */
	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public int getMaxKeyLength() {
		return this.maxKeyLength;
	}

	@Override
	public String toString() {
		return "IdempotencyConfig[ttl=" + this.ttl + ", inProgressTimeout=" + this.inProgressTimeout + ", onInProgress="
				+ this.onInProgress + ", inProgressWait=" + this.inProgressWait + ", storeFallbackResults="
				+ this.storeFallbackResults + ", keyPrefix=" + this.keyPrefix + ", maxKeyLength=" + this.maxKeyLength
				+ "]";
	}

	/** What a repeat does while the first call with its key is still running. */
	public enum OnInProgress {

		/** Fail at once with {@link IdempotencyInProgressException}. */
		REJECT,

		/** Wait up to {@code in-progress-wait} for the result, then fail the same way. */
		WAIT

	}

	/** Builder; each setter validates its argument. */
	public static final class Builder {

		private Duration ttl = DEFAULT_TTL;

		private Duration inProgressTimeout = DEFAULT_IN_PROGRESS_TIMEOUT;

		private OnInProgress onInProgress = DEFAULT_ON_IN_PROGRESS;

		private Duration inProgressWait = DEFAULT_IN_PROGRESS_WAIT;

		private boolean storeFallbackResults = DEFAULT_STORE_FALLBACK_RESULTS;

		private String keyPrefix = DEFAULT_KEY_PREFIX;

		private int maxKeyLength = DEFAULT_MAX_KEY_LENGTH;

		private Builder() {
		}

		public Builder ttl(Duration ttl) {
			this.ttl = requirePositive(ttl, "ttl");
			return this;
		}

		public Builder inProgressTimeout(Duration inProgressTimeout) {
			this.inProgressTimeout = requirePositive(inProgressTimeout, "inProgressTimeout");
			return this;
		}

		public Builder onInProgress(OnInProgress onInProgress) {
			this.onInProgress = requireNonNull(onInProgress, "onInProgress");
			return this;
		}

		public Builder inProgressWait(Duration inProgressWait) {
			this.inProgressWait = requireNonNegative(inProgressWait, "inProgressWait");
			return this;
		}

		public Builder storeFallbackResults(boolean storeFallbackResults) {
			this.storeFallbackResults = storeFallbackResults;
			return this;
		}

		public Builder keyPrefix(String keyPrefix) {
			requireNonNull(keyPrefix, "keyPrefix");
			requireArgument(!keyPrefix.isEmpty(), "keyPrefix must not be empty");
			this.keyPrefix = keyPrefix;
			return this;
		}

		public Builder maxKeyLength(int maxKeyLength) {
			this.maxKeyLength = requireAtLeast(maxKeyLength, 1, "maxKeyLength");
			return this;
		}

		public IdempotencyConfig build() {
			return new IdempotencyConfig(this);
		}

	}

}
