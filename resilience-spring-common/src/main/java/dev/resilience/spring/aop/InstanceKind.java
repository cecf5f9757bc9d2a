package dev.resilience.spring.aop;

/**
 * The patterns whose instances are named, with the annotation and the property group of
 * each.
 */
public enum InstanceKind {

	CIRCUIT_BREAKER("@CircuitBreaker", "circuit-breaker"),

	RETRY("@Retry", "retry"),

	BULKHEAD("@Bulkhead", "bulkhead"),

	RATE_LIMITER("@RateLimiter", "rate-limiter"),

	TIMEOUT("@Timeout", "timeout"),

	HEDGE("@Hedge", "hedge"),

	IDEMPOTENCY("@Idempotent", "idempotency");

	private final String annotation;

	private final String propertyGroup;

	InstanceKind(String annotation, String propertyGroup) {
		this.annotation = annotation;
		this.propertyGroup = propertyGroup;
	}

	/** The annotation that names such an instance, such as {@code @CircuitBreaker}. */
	public String getAnnotation() {
		return this.annotation;
	}

	/**
	 * The group of its properties under {@code resilience.}, such as
	 * {@code circuit-breaker}.
	 */
	public String getPropertyGroup() {
		return this.propertyGroup;
	}

}
