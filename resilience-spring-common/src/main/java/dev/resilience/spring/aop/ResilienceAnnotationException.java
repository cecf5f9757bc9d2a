package dev.resilience.spring.aop;

/**
 * A resilience annotation that cannot work as written: a missing or incompatible
 * fallback, a SpEL error, a thread-pool bulkhead on a plain method, an unreplayable
 * idempotent result. Raised while the bean is created, so the application does not start;
 * the message names the class, the method and what was expected.
 */
public class ResilienceAnnotationException extends IllegalStateException {

	public ResilienceAnnotationException(String message) {
		super(message);
	}

	public ResilienceAnnotationException(String message, Throwable cause) {
		super(message, cause);
	}

}
