package dev.resilience.spring.idempotency.multi;

import java.util.List;
import java.util.UUID;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.resilience.spring.testsupport.LocalServices;
import dev.resilience.spring.testsupport.RequiresRedis;

@RequiresRedis
class RedisMultiInstanceIdempotencyTests extends MultiInstanceIdempotencyTests {

	private final String prefix = "resilience:test:" + UUID.randomUUID();

	@Override
	protected List<String> storeProperties() {
		return List.of("resilience.idempotency.store=redis", "spring.data.redis.host=" + LocalServices.REDIS_HOST,
				"spring.data.redis.port=" + LocalServices.REDIS_PORT);
	}

	@Override
	protected String keyPrefix() {
		return this.prefix;
	}

	@Override
	protected void cleanUp(ConfigurableApplicationContext context) {
		StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
		var keys = redis.keys(this.prefix + "*");
		if (keys != null && !keys.isEmpty()) {
			redis.delete(keys);
		}
	}

}
