package dev.resilience.spring.ratelimiter.redis;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.resilience.ratelimiter.PermitStore.PermitDecision;
import dev.resilience.ratelimiter.PermitStore.PermitRequest;
import dev.resilience.spring.testsupport.LocalServices;
import dev.resilience.spring.testsupport.RequiresRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis store against a real server: a burst of one period's permits, then refusals
 * whose retry-after is the spacing of permits; a reservation within the longest wait; one
 * key per limiter that expires when idle; the script reloaded after the server forgot it.
 */
@RequiresRedis
@Timeout(60)
class RedisPermitStoreTests {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	private final String name = "store-test-" + UUID.randomUUID();

	private LettuceConnectionFactory factory;

	private RedisPermitStore store;

	private StringRedisTemplate redis;

	@BeforeEach
	void connect() {
		this.factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(LocalServices.REDIS_HOST, LocalServices.REDIS_PORT));
		this.factory.afterPropertiesSet();
		this.factory.start();
		this.store = new RedisPermitStore(this.factory);
		this.store.afterPropertiesSet();
		this.redis = new StringRedisTemplate(this.factory);
	}

	@AfterEach
	void disconnect() {
		this.redis.delete(this.store.key(this.name));
		this.store.destroy();
		this.factory.destroy();
	}

	private PermitRequest request(int limit, long periodNanos, long maxWaitNanos) {
		return new PermitRequest(this.name, limit, periodNanos, maxWaitNanos, SECOND);
	}

	@Test
	void aBurstOfOnePeriodsPermitsThenRefusalsSpacedByTheInterval() throws Exception {
		PermitRequest request = request(5, 10 * SECOND, 0);
		for (int left = 4; left >= 0; left--) {
			PermitDecision decision = this.store.acquire(request);
			assertThat(decision.permitted()).isTrue();
			assertThat(decision.nanos()).isZero();
			assertThat(decision.permitsLeft()).isEqualTo(left);
		}
		PermitDecision refused = this.store.acquire(request);

		assertThat(refused.permitted()).isFalse();
		// the next permit comes one interval (10 s / 5) after the burst began
		assertThat(refused.nanos()).isBetween(SECOND, 2 * SECOND);
		assertThat(refused.permitsLeft()).isZero();
	}

	@Test
	void aPermitOfALaterPeriodIsReservedWithinTheLongestWait() throws Exception {
		PermitRequest waiting = request(2, 10 * SECOND, 6 * SECOND);
		this.store.acquire(waiting);
		this.store.acquire(waiting);

		PermitDecision reserved = this.store.acquire(waiting);
		PermitDecision second = this.store.acquire(waiting);
		PermitDecision beyond = this.store.acquire(waiting);

		assertThat(reserved.permitted()).isTrue();
		assertThat(reserved.nanos()).isBetween(4 * SECOND, 5 * SECOND);
		assertThat(reserved.permitsLeft()).isEqualTo(-1);
		assertThat(second.permitted()).isFalse();
		assertThat(beyond.permitted()).isFalse();
	}

	@Test
	void oneKeyPerLimiterThatExpiresWhenIdle() throws Exception {
		this.store.acquire(request(100, 100 * SECOND, 0));
		this.store.acquire(request(100, 100 * SECOND, 0));

		assertThat(this.redis.keys(this.store.key(this.name) + "*")).containsExactly(this.store.key(this.name));
		Long ttl = this.redis.getExpire(this.store.key(this.name), TimeUnit.MILLISECONDS);
		// two intervals of 1 s reserved ahead, plus the millisecond of rounding
		assertThat(ttl).isBetween(1L, 2001L);
	}

	@Test
	void theScriptIsLoadedAgainAfterTheServerForgotIt() throws Exception {
		PermitRequest request = request(100, 100 * SECOND, 0);
		assertThat(this.store.acquire(request).permitted()).isTrue();
		this.redis.execute((org.springframework.data.redis.core.RedisCallback<Object>) (connection) -> {
			connection.scriptingCommands().scriptFlush();
			return null;
		});

		assertThat(this.store.acquire(request).permitted()).isTrue();
		this.redis.execute((org.springframework.data.redis.core.RedisCallback<Object>) (connection) -> {
			connection.scriptingCommands().scriptFlush();
			return null;
		});
		assertThat(this.store.acquireAsync(request).toCompletableFuture().get().permitted()).isTrue();
		assertThat(this.store.acquire(request).permitsLeft()).isEqualTo(96);
	}

}
