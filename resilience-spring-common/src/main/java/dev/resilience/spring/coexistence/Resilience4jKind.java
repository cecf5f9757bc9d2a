package dev.resilience.spring.coexistence;

/**
 * resilience4j's kinds of named instance, each with its property group under
 * {@code resilience4j.} and the starter's kind it corresponds to.
 */
enum Resilience4jKind {

	CIRCUIT_BREAKER("circuit breaker", "circuitbreaker"),

	RETRY("retry", "retry"),

	BULKHEAD("bulkhead", "bulkhead", "thread-pool-bulkhead"),

	RATE_LIMITER("rate limiter", "ratelimiter"),

	TIME_LIMITER("timeout", "timelimiter");

	private final String description;

	private final String[] propertyGroups;

	Resilience4jKind(String description, String... propertyGroups) {
		this.description = description;
		this.propertyGroups = propertyGroups;
	}

	/**
	 * The kind as named in messages, after the starter's pattern (a resilience4j time
	 * limiter corresponds to a timeout).
	 */
	String description() {
		return this.description;
	}

	/** resilience4j's property groups, such as {@code thread-pool-bulkhead}. */
	String[] propertyGroups() {
		return this.propertyGroups;
	}

}
