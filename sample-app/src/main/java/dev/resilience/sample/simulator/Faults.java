package dev.resilience.sample.simulator;

/**
 * Faults of the simulated downstream, as set by {@code POST /simulator/faults}. Every
 * field is optional; {@code {}} heals the downstream.
 *
 * @param errorRate share of requests answered {@code 500}, from 0 to 1
 * @param latencyMs delay added before every answer, in milliseconds
 * @param resetRate share of requests whose connection is cut mid-response, from 0 to 1
 */
public record Faults(Double errorRate, Integer latencyMs, Double resetRate) {

	static final Faults NONE = new Faults(0.0, 0, 0.0);

	public Faults {
		errorRate = (errorRate != null) ? errorRate : 0.0;
		latencyMs = (latencyMs != null) ? latencyMs : 0;
		resetRate = (resetRate != null) ? resetRate : 0.0;
	}

}
