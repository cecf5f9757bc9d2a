package dev.resilience.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.resilience.ratelimiter.PermitStore;
import dev.resilience.spring.ratelimiter.redis.RedisPermitStore;
import dev.resilience.spring.ratelimiter.redis.RedisPermitStoreRuntimeHints;

/**
 * The store of rate limiters of cluster scope: Redis, on the application's
 * {@link RedisConnectionFactory}, which must be Lettuce's (Spring Boot's default). Only
 * when a limiter of cluster scope is configured; without a connection factory it fails
 * startup rather than let such a limiter go unlimited.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = { "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
		"io.lettuce.core.RedisClient" })
@Conditional(ClusterScopeCondition.class)
class RedisPermitStoreConfiguration {

	@Bean
	@ConditionalOnMissingBean(PermitStore.class)
	@ImportRuntimeHints(RedisPermitStoreRuntimeHints.class)
	RedisPermitStore resiliencePermitStore(ObjectProvider<RedisConnectionFactory> connectionFactory,
			ResilienceConfigurations configurations) {
		String property = configurations.clusterScopeProperty();
		RedisConnectionFactory factory = connectionFactory.getIfAvailable();
		if (factory == null) {
			throw new IllegalStateException(property + "=cluster needs a RedisConnectionFactory bean: configure"
					+ " spring.data.redis.* (host, port) with spring-boot-starter-data-redis");
		}
		if (!(factory instanceof LettuceConnectionFactory lettuce)) {
			throw new IllegalStateException(property + "=cluster needs Lettuce, Spring Boot's default Redis client,"
					+ " but the RedisConnectionFactory is a " + factory.getClass().getName()
					+ ": use spring-boot-starter-data-redis without excluding lettuce-core");
		}
		return new RedisPermitStore(lettuce);
	}

}
