package dev.resilience.spring.idempotency.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.util.Assert;

import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyRecord;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.IdempotencyStoreUnavailableException;

/**
 * {@link IdempotencyStore} in Redis, shared by every application instance that uses the
 * same server and namespace. One hash per record under {@code <namespace>:<record id>};
 * every transition is one Lua script, so it is atomic, and reads the time with
 * {@code TIME} on the server, so instances with skewed clocks agree on leases and ttls.
 * <p>
 * Every key carries an expiry: a completed record expires with its ttl, a claim one lease
 * after its lease ends (it reads as absent from the lease's end; the extra lease only
 * lets the next claim report a takeover). Nothing lingers after a crash. Works with Redis
 * 5 or later (scripts that read {@code TIME} before writing need effect replication) and
 * with Redis Cluster (one key per script). Thread-safe.
 */
public class RedisIdempotencyStore implements IdempotencyStore {

	/** Namespace used when none is given: {@code resilience:idem}. */
	public static final String DEFAULT_NAMESPACE = "resilience:idem";

	private static final RedisScript<List> CLAIM = script("claim.lua", List.class);

	private static final RedisScript<Long> COMPLETE = script("complete.lua", Long.class);

	private static final RedisScript<Long> RENEW = script("renew.lua", Long.class);

	private static final RedisScript<Long> RELEASE = script("release.lua", Long.class);

	private static final RedisScript<List> FIND = script("find.lua", List.class);

	private static final RedisSerializer<byte[]> BYTES = RedisSerializer.byteArray();

	private final RedisTemplate<String, byte[]> redis;

	private final String namespace;

	public RedisIdempotencyStore(RedisConnectionFactory connectionFactory) {
		this(connectionFactory, DEFAULT_NAMESPACE);
	}

	/**
	 * @param namespace prefix of every Redis key this store writes
	 * ({@code <namespace>:<record id>})
	 */
	public RedisIdempotencyStore(RedisConnectionFactory connectionFactory, String namespace) {
		Assert.notNull(connectionFactory, "connectionFactory must not be null");
		Assert.hasText(namespace, "namespace must not be empty");
		RedisTemplate<String, byte[]> template = new RedisTemplate<>();
		template.setConnectionFactory(connectionFactory);
		template.setKeySerializer(RedisSerializer.string());
		template.setValueSerializer(BYTES);
		template.setHashKeySerializer(RedisSerializer.string());
		template.setHashValueSerializer(BYTES);
		template.afterPropertiesSet();
		this.redis = template;
		this.namespace = namespace;
	}

	@Override
	@SuppressWarnings("unchecked")
	public ClaimResult claim(String recordId, String fingerprint, Duration leaseTimeout) {
		String token = UUID.randomUUID().toString();
		List<byte[]> reply = run("claim", CLAIM, recordId, utf8(fingerprint), utf8(token),
				utf8(Long.toString(millis(leaseTimeout))));
		String kind = string(reply.get(0));
		return switch (kind) {
			case "N" -> new ClaimResult.Claimed(token, "1".equals(string(reply.get(1))));
			case "P" -> new ClaimResult.InProgress(string(reply.get(1)));
			case "C" -> new ClaimResult.Completed(string(reply.get(1)), reply.get(2));
			default -> throw new IllegalStateException("Unexpected reply from the claim script: " + kind);
		};
	}

	@Override
	public boolean complete(String recordId, String leaseToken, byte[] result, Duration ttl) {
		Assert.notNull(result, "result must not be null");
		Long done = run("complete", COMPLETE, recordId, utf8(leaseToken), result, utf8(Long.toString(millis(ttl))));
		return done != null && done == 1L;
	}

	@Override
	public boolean renew(String recordId, String leaseToken, Duration leaseTimeout) {
		Long done = run("renew", RENEW, recordId, utf8(leaseToken), utf8(Long.toString(millis(leaseTimeout))));
		return done != null && done == 1L;
	}

	@Override
	public boolean release(String recordId, String leaseToken) {
		Long done = run("release", RELEASE, recordId, utf8(leaseToken));
		return done != null && done == 1L;
	}

	@Override
	@SuppressWarnings("unchecked")
	public Optional<IdempotencyRecord> find(String recordId) {
		List<byte[]> reply = run("find", FIND, recordId);
		if (reply == null || reply.isEmpty()) {
			return Optional.empty();
		}
		boolean completed = "C".equals(string(reply.get(0)));
		return Optional.of(new IdempotencyRecord(
				completed ? IdempotencyRecord.State.COMPLETED : IdempotencyRecord.State.IN_PROGRESS,
				string(reply.get(1)), string(reply.get(2)), completed ? reply.get(3) : null));
	}

	/** The Redis key of a record; for tests and operators. */
	public String redisKey(String recordId) {
		return this.namespace + ":" + recordId;
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private <T> T run(String operation, RedisScript<T> script, String recordId, byte[]... args) {
		try {
			return (T) this.redis.execute((RedisScript) script, BYTES, (RedisSerializer) BYTES,
					List.of(redisKey(recordId)), (Object[]) args);
		}
		catch (DataAccessException ex) {
			throw IdempotencyStoreUnavailableException.forStore("Redis", operation, ex);
		}
	}

	private static long millis(Duration duration) {
		return Math.max(1, duration.toMillis());
	}

	private static byte[] utf8(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static String string(byte[] value) {
		return (value != null) ? new String(value, StandardCharsets.UTF_8) : null;
	}

	private static <T> RedisScript<T> script(String name, Class<T> resultType) {
		DefaultRedisScript<T> script = new DefaultRedisScript<>();
		script.setLocation(new ClassPathResource(name, RedisIdempotencyStore.class));
		script.setResultType(resultType);
		return script;
	}

	@Override
	public String toString() {
		return "RedisIdempotencyStore[namespace=" + this.namespace + "]";
	}

}
