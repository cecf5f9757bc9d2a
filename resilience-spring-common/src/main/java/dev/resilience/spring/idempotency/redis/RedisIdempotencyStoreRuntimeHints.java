package dev.resilience.spring.idempotency.redis;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Makes the Redis store's Lua scripts, read from the classpath next to
 * {@link RedisIdempotencyStore}, available in an ahead-of-time processed application.
 * Names no Redis class, so it is safe without Spring Data Redis.
 */
public class RedisIdempotencyStoreRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		hints.resources().registerPattern("dev/resilience/spring/idempotency/redis/*.lua");
	}

}
