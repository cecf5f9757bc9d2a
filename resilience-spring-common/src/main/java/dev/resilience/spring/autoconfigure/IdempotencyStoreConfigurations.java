package dev.resilience.spring.autoconfigure;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The idempotency stores {@code resilience.idempotency.store} chooses from, each mapped to the
 * one configuration that creates it. The configurations are imported in the order of
 * {@link StoreType}, each conditional on being the chosen one.
 */
final class IdempotencyStoreConfigurations {

	static final String PROPERTY = "resilience.idempotency.store";

	private static final Map<StoreType, String> MAPPINGS;

	static {
		Map<StoreType, String> mappings = new EnumMap<>(StoreType.class);
		mappings.put(StoreType.MEMORY, MemoryStoreConfiguration.class.getName());
		mappings.put(StoreType.REDIS, RedisStoreConfiguration.class.getName());
		mappings.put(StoreType.JDBC, JdbcStoreConfiguration.class.getName());
		MAPPINGS = Collections.unmodifiableMap(mappings);
	}

	private IdempotencyStoreConfigurations() {
	}

	/** Every store configuration's class name, in the order they are imported. */
	static String[] getConfigurationClasses() {
		return MAPPINGS.values().toArray(String[]::new);
	}

	static StoreType getType(String configurationClassName) {
		for (Map.Entry<StoreType, String> entry : MAPPINGS.entrySet()) {
			if (entry.getValue().equals(configurationClassName)) {
				return entry.getKey();
			}
		}
		throw new IllegalStateException("Unknown idempotency store configuration " + configurationClassName);
	}

	/**
	 * The store the environment asks for, {@code memory} when it asks for none.
	 * @throws org.springframework.boot.context.properties.bind.BindException for a value that
	 * names no store
	 */
	static StoreType getChosenType(Environment environment) {
		return Binder.get(environment).bind(PROPERTY, StoreType.class).orElse(StoreType.MEMORY);
	}

	/** A store, and the library it cannot be configured without. */
	enum StoreType {

		/** In-memory, bounded; needs nothing. */
		MEMORY(null, null),

		/** Spring Data Redis, through the application's {@code RedisConnectionFactory}. */
		REDIS("org.springframework.data.redis.connection.RedisConnectionFactory",
				"org.springframework.boot:spring-boot-starter-data-redis"),

		/** Spring JDBC, through the application's {@code DataSource}. */
		JDBC("org.springframework.jdbc.core.JdbcTemplate", "org.springframework.boot:spring-boot-starter-jdbc");

		private final String requiredClass;

		private final String dependency;

		StoreType(String requiredClass, String dependency) {
			this.requiredClass = requiredClass;
			this.dependency = dependency;
		}

		/** As written in {@code application.yml}. */
		String value() {
			return name().toLowerCase(Locale.ROOT);
		}

		/** Why this store, chosen, was not configured: its library is not on the classpath. */
		IllegalStateException unavailable() {
			if (this.requiredClass == null) {
				return new IllegalStateException(PROPERTY + "=" + value() + " could not be configured");
			}
			return new IllegalStateException(PROPERTY + "=" + value() + " needs " + this.requiredClass
					+ " on the classpath: add the dependency " + this.dependency);
		}

	}

}
