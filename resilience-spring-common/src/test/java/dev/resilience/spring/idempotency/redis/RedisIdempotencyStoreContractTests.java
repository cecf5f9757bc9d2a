package dev.resilience.spring.idempotency.redis;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.IdempotencyStoreContractTests;
import dev.resilience.spring.idempotency.StoreClock;
import dev.resilience.spring.testsupport.LocalServices;
import dev.resilience.spring.testsupport.RequiresRedis;

/**
 * The store contract against the local Redis, under a key namespace unique to this run.
 */
@RequiresRedis
class RedisIdempotencyStoreContractTests extends IdempotencyStoreContractTests {

	static final String NAMESPACE = "resilience-test:" + UUID.randomUUID();

	private static LettuceConnectionFactory connectionFactory;

	private static StringRedisTemplate redis;

	@BeforeAll
	static void connect() {
		connectionFactory = new LettuceConnectionFactory(LocalServices.REDIS_HOST, LocalServices.REDIS_PORT);
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
		redis = new StringRedisTemplate(connectionFactory);
	}

	@AfterAll
	static void cleanUpAndDisconnect() {
		if (redis != null) {
			Set<String> keys = redis.keys(NAMESPACE + ":*");
			if (keys != null && !keys.isEmpty()) {
				redis.delete(keys);
			}
			connectionFactory.destroy();
		}
	}

	@Override
	protected IdempotencyStore createStore() {
		return new RedisIdempotencyStore(connectionFactory, NAMESPACE);
	}

	@Override
	protected void elapse(Duration duration) {
		StoreClock.elapse(RedisIdempotencyStoreContractTests::serverMillis, duration);
	}

	@Override
	protected Duration shortLease() {
		return Duration.ofMillis(300);
	}

	@Override
	protected Duration shortTtl() {
		return Duration.ofMillis(300);
	}

	static long serverMillis() {
		List<Object> time = redis
			.execute((org.springframework.data.redis.core.RedisCallback<List<Object>>) (connection) -> List
				.of(connection.serverCommands().time()));
		return (Long) time.get(0);
	}

}
