package dev.resilience.spring.autoconfigure;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import dev.resilience.spring.autoconfigure.ResilienceProperties.Idempotency.StoreType;

/**
 * The idempotency stores {@code resilience.idempotency.store} chooses from, each mapped
 * to the one configuration that creates it. The configurations are imported in the order
 * of {@link StoreType}, each conditional on being the chosen one.
 */
final class IdempotencyStoreConfigurations {

	static final String PROPERTY = "resilience.idempotency.store";

	private static final Map<StoreType, Store> MAPPINGS;

	static {
		Map<StoreType, Store> mappings = new EnumMap<>(StoreType.class);
		mappings.put(StoreType.MEMORY, new Store(MemoryStoreConfiguration.class.getName(), null, null));
		mappings.put(StoreType.REDIS,
				new Store(RedisStoreConfiguration.class.getName(),
						"org.springframework.data.redis.connection.RedisConnectionFactory",
						"org.springframework.boot:spring-boot-starter-data-redis"));
		mappings.put(StoreType.JDBC, new Store(JdbcStoreConfiguration.class.getName(),
				"org.springframework.jdbc.core.JdbcTemplate", "org.springframework.boot:spring-boot-starter-jdbc"));
		MAPPINGS = Collections.unmodifiableMap(mappings);
	}

	private IdempotencyStoreConfigurations() {
	}

	/** Every store configuration's class name, in the order they are imported. */
	static String[] getConfigurationClasses() {
		return MAPPINGS.values().stream().map(Store::configuration).toArray(String[]::new);
	}

	static StoreType getType(String configurationClassName) {
		for (Map.Entry<StoreType, Store> entry : MAPPINGS.entrySet()) {
			if (entry.getValue().configuration().equals(configurationClassName)) {
				return entry.getKey();
			}
		}
		throw new IllegalStateException("Unknown idempotency store configuration " + configurationClassName);
	}

	/**
	 * The store the environment asks for, {@code memory} when it asks for none.
	 * @throws org.springframework.boot.context.properties.bind.BindException for a value
	 * that names no store
	 */
	static StoreType getChosenType(Environment environment) {
		return Binder.get(environment).bind(PROPERTY, StoreType.class).orElse(StoreType.MEMORY);
	}

	/** As written in {@code application.yml}. */
	static String value(StoreType type) {
		return type.name().toLowerCase(Locale.ROOT);
	}

	/** Why the chosen store was not configured: its library is not on the classpath. */
	static IllegalStateException unavailable(StoreType type) {
		Store store = MAPPINGS.get(type);
		if (store.requiredClass() == null) {
			return new IllegalStateException(PROPERTY + "=" + value(type) + " could not be configured");
		}
		return new IllegalStateException(PROPERTY + "=" + value(type) + " needs " + store.requiredClass()
				+ " on the classpath: add the dependency " + store.dependency());
	}

	/** A store's configuration, and the library it cannot be configured without. */
	private record Store(String configuration, String requiredClass, String dependency) {
	}

}
