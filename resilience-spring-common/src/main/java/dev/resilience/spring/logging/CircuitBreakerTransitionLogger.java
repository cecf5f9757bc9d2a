package dev.resilience.spring.logging;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.resilience.ResilienceRegistry;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerListener;

/**
 * Logs each state transition of every circuit breaker of a {@link ResilienceRegistry} as
 * one line under the logger {@code dev.resilience.circuitbreaker}, such as
 * {@code CircuitBreaker 'inventory' CLOSED -> OPEN: failure rate 62.5% >= 50.0% over 8 calls}:
 * at WARN when the breaker opens, at INFO for every other transition (a manual
 * {@code FORCED_OPEN} included, since an operator asked for it). The reason is the
 * engine's.
 * <p>
 * Register it with {@link ResilienceRegistry#addListener}: it then listens to every
 * breaker, existing or created later. It logs nothing per call. Thread-safe and
 * stateless.
 */
public class CircuitBreakerTransitionLogger implements ResilienceRegistry.RegistryListener, CircuitBreakerListener {

	/** Name of the logger the transitions are written to. */
	public static final String LOGGER_NAME = "dev.resilience.circuitbreaker";

	private final Log logger = LogFactory.getLog(LOGGER_NAME);

	@Override
	public void onCircuitBreakerAdded(CircuitBreaker circuitBreaker) {
		circuitBreaker.addListener(this);
	}

	@Override
	public void onStateTransition(CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to,
			String reason) {
		if (to == CircuitBreaker.State.OPEN) {
			if (this.logger.isWarnEnabled()) {
				this.logger.warn(message(breaker, from, to, reason));
			}
		}
		else if (this.logger.isInfoEnabled()) {
			this.logger.info(message(breaker, from, to, reason));
		}
	}

	private static String message(CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to,
			String reason) {
		return "CircuitBreaker '" + breaker.getName() + "' " + from + " -> " + to + ": " + reason;
	}

}
