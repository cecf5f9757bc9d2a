package dev.resilience.spring.autoconfigure;

import java.time.Duration;

import dev.resilience.idempotency.IdempotencyConfig;

/**
 * Settings of an idempotent method, bound both from
 * {@code resilience.idempotency.defaults} and from each
 * {@code resilience.idempotency.instances.<name>}. A {@code null} field is a key left
 * unset: an instance then inherits the value of {@code defaults}, and {@code defaults}
 * the engine's default (documented in the configuration metadata). The store and the key
 * namespace are shared by every instance and live in
 * {@link ResilienceProperties.Idempotency}.
 * <p>
 * Mutable and not thread-safe, as every bound properties object.
 */
public class IdempotencySettings {

	/**
	 * Time a completed result is kept and replayed.
	 */
	private Duration ttl;

	/**
	 * Lease of an unfinished claim; after it another caller may take the claim over.
	 */
	private Duration inProgressTimeout;

	/**
	 * What a repeat does while the first call with its key is still running.
	 */
	private IdempotencyConfig.OnInProgress onInProgress;

	/**
	 * Longest time a repeat waits for the running call's result when on-in-progress is
	 * wait.
	 */
	private Duration inProgressWait;

	/**
	 * Whether a degraded answer produced by @Fallback is stored and replayed like any
	 * result; when false it is returned and its claim released, so the next call with the
	 * key runs the method again.
	 */
	private Boolean storeFallbackResults;

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
	}

	public Duration getInProgressTimeout() {
		return this.inProgressTimeout;
	}

	public void setInProgressTimeout(Duration inProgressTimeout) {
		this.inProgressTimeout = inProgressTimeout;
	}

	public IdempotencyConfig.OnInProgress getOnInProgress() {
		return this.onInProgress;
	}

	public void setOnInProgress(IdempotencyConfig.OnInProgress onInProgress) {
		this.onInProgress = onInProgress;
	}

	public Duration getInProgressWait() {
		return this.inProgressWait;
	}

	public void setInProgressWait(Duration inProgressWait) {
		this.inProgressWait = inProgressWait;
	}

	public Boolean getStoreFallbackResults() {
		return this.storeFallbackResults;
	}

	public void setStoreFallbackResults(Boolean storeFallbackResults) {
		this.storeFallbackResults = storeFallbackResults;
	}

}
