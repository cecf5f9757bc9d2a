package dev.resilience.spring.idempotency.jdbc;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Makes the JDBC store's schema scripts, read from the classpath next to
 * {@link JdbcIdempotencySchemaInitializer}, available in an ahead-of-time processed
 * application.
 */
public class JdbcIdempotencyStoreRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		hints.resources().registerPattern("dev/resilience/spring/idempotency/jdbc/*.sql");
	}

}
