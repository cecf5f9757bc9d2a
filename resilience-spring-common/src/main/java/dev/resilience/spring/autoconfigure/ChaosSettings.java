package dev.resilience.spring.autoconfigure;

import java.time.Duration;

/**
 * Faults injected into the calls of one instance name, bound from each
 * {@code resilience.chaos.instances.<name>}. A {@code null} field is a key left unset: no
 * error, no latency, and the default error type. Checked when {@link ChaosConfigurations}
 * builds the engine's configuration.
 * <p>
 * Mutable and not thread-safe, as every bound properties object.
 */
public class ChaosSettings {

	/**
	 * Share of calls, in [0, 1], that fail with the error instead of running.
	 */
	private Double errorRate;

	/**
	 * Fully qualified class name of the injected error: a Throwable with a public
	 * constructor taking a String or nothing. Defaults to
	 * dev.resilience.chaos.InjectedFaultException.
	 */
	private String error;

	/**
	 * Delay added before a call, for the share latency-rate of calls. Must not be
	 * negative.
	 */
	private Duration latency;

	/**
	 * Share of calls, in [0, 1], held back by the latency; above 0 only with a latency.
	 */
	private Double latencyRate;

	public Double getErrorRate() {
		return this.errorRate;
	}

	public void setErrorRate(Double errorRate) {
		this.errorRate = errorRate;
	}

	public String getError() {
		return this.error;
	}

	public void setError(String error) {
		this.error = error;
	}

	public Duration getLatency() {
		return this.latency;
	}

	public void setLatency(Duration latency) {
		this.latency = latency;
	}

	public Double getLatencyRate() {
		return this.latencyRate;
	}

	public void setLatencyRate(Double latencyRate) {
		this.latencyRate = latencyRate;
	}

}
