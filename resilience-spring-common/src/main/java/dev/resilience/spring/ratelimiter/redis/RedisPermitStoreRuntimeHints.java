package dev.resilience.spring.ratelimiter.redis;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Makes the Lua script of {@link RedisPermitStore}, read from the classpath next to it,
 * available in an ahead-of-time processed application. Names no Redis class, so it is
 * safe without Spring Data Redis.
 */
public class RedisPermitStoreRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		hints.resources().registerPattern("dev/resilience/spring/ratelimiter/redis/*.lua");
	}

}
