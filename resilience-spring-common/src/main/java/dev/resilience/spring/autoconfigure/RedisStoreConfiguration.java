package dev.resilience.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.spring.idempotency.redis.RedisIdempotencyStore;
import dev.resilience.spring.idempotency.redis.RedisIdempotencyStoreRuntimeHints;

/**
 * The Redis store, on the application's {@link RedisConnectionFactory}. Chosen without
 * one, it fails startup rather than fall back to another store.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnMissingBean(IdempotencyStore.class)
@Conditional(IdempotencyStoreCondition.class)
class RedisStoreConfiguration {

	@Bean
	@ImportRuntimeHints(RedisIdempotencyStoreRuntimeHints.class)
	RedisIdempotencyStore resilienceIdempotencyStore(ObjectProvider<RedisConnectionFactory> connectionFactory,
			ResilienceProperties properties) {
		RedisConnectionFactory factory = connectionFactory.getIfAvailable();
		if (factory == null) {
			throw new IllegalStateException(IdempotencyStoreConfigurations.PROPERTY
					+ "=redis needs a RedisConnectionFactory bean: configure spring.data.redis.* (host, port)"
					+ " with spring-boot-starter-data-redis");
		}
		return new RedisIdempotencyStore(factory, properties.getIdempotency().getKeyPrefix());
	}

}
