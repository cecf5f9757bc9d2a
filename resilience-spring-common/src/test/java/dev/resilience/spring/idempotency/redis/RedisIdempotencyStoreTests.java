package dev.resilience.spring.idempotency.redis;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyStoreUnavailableException;
import dev.resilience.spring.testsupport.LocalServices;
import dev.resilience.spring.testsupport.RequiresRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the Redis store adds to the contract: one expiring key per record, failures. */
@RequiresRedis
class RedisIdempotencyStoreTests {

	private final String namespace = "resilience-test:" + UUID.randomUUID();

	private final LettuceConnectionFactory connectionFactory = connect(LocalServices.REDIS_PORT);

	private final StringRedisTemplate redis = new StringRedisTemplate(this.connectionFactory);

	private final RedisIdempotencyStore store = new RedisIdempotencyStore(this.connectionFactory, this.namespace);

	@AfterEach
	void cleanUp() {
		this.redis.delete(this.redis.keys(this.namespace + ":*"));
		this.connectionFactory.destroy();
	}

	@Test
	void everyRecordIsOneKeyThatExpires() {
		this.store.claim("claimed", "fp", Duration.ofSeconds(30));
		String token = ((ClaimResult.Claimed) this.store.claim("done", "fp", Duration.ofSeconds(30))).leaseToken();
		this.store.complete("done", token, new byte[] { 1 }, Duration.ofHours(1));
		assertThat(this.redis.keys(this.namespace + ":*")).containsExactlyInAnyOrder(this.store.redisKey("claimed"),
				this.store.redisKey("done"));
		long claimTtl = this.redis.getExpire(this.store.redisKey("claimed"),
				java.util.concurrent.TimeUnit.MILLISECONDS);
		long doneTtl = this.redis.getExpire(this.store.redisKey("done"), java.util.concurrent.TimeUnit.MILLISECONDS);
		assertThat(claimTtl).as("a claim is kept one lease past its lease").isBetween(30_000L, 60_000L);
		assertThat(doneTtl).as("a completed record lives for its ttl").isBetween(3_500_000L, 3_600_000L);
	}

	@Test
	void releasedRecordLeavesNoKey() {
		String token = ((ClaimResult.Claimed) this.store.claim("r", "fp", Duration.ofSeconds(30))).leaseToken();
		assertThat(this.store.release("r", token)).isTrue();
		assertThat(this.redis.hasKey(this.store.redisKey("r"))).isFalse();
	}

	@Test
	void renewedClaimKeepsItsKeyOneLeasePastTheNewLease() {
		String token = ((ClaimResult.Claimed) this.store.claim("renewed", "fp", Duration.ofSeconds(1))).leaseToken();
		assertThat(this.store.renew("renewed", token, Duration.ofSeconds(30))).isTrue();
		long ttl = this.redis.getExpire(this.store.redisKey("renewed"), java.util.concurrent.TimeUnit.MILLISECONDS);
		assertThat(ttl).as("the key outlives the renewed lease by one lease").isBetween(30_000L, 60_000L);
	}

	@Test
	void unreachableRedisFailsClosed() {
		LettuceConnectionFactory nowhere = connect(1);
		try {
			RedisIdempotencyStore unreachable = new RedisIdempotencyStore(nowhere, this.namespace);
			assertThatThrownBy(() -> unreachable.claim("id", "fp", Duration.ofSeconds(1)))
				.isInstanceOf(IdempotencyStoreUnavailableException.class)
				.hasMessageStartingWith("Redis idempotency store failed to claim");
			assertThatThrownBy(() -> unreachable.complete("id", "t", new byte[] { 1 }, Duration.ofSeconds(1)))
				.isInstanceOf(IdempotencyStoreUnavailableException.class);
			assertThatThrownBy(() -> unreachable.renew("id", "t", Duration.ofSeconds(1)))
				.isInstanceOf(IdempotencyStoreUnavailableException.class)
				.hasMessageStartingWith("Redis idempotency store failed to renew");
			assertThatThrownBy(() -> unreachable.release("id", "t"))
				.isInstanceOf(IdempotencyStoreUnavailableException.class);
			assertThatThrownBy(() -> unreachable.find("id")).isInstanceOf(IdempotencyStoreUnavailableException.class);
		}
		finally {
			nowhere.destroy();
		}
	}

	private static LettuceConnectionFactory connect(int port) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(LocalServices.REDIS_HOST, port),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
