package dev.resilience.spring.ratelimiter.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.Assert;

import dev.resilience.ratelimiter.PermitStore;

/**
 * {@link PermitStore} in Redis, through Lettuce's asynchronous commands on a connection
 * of the application's {@link LettuceConnectionFactory} (the shared one, unless the
 * factory pools connections). One key per limiter, {@code <namespace>:<limiter name>},
 * holding the theoretical arrival time of the generic cell rate algorithm; each decision
 * is one Lua script ({@code EVALSHA}, one round trip) timed by the server's {@code TIME},
 * so instances with skewed clocks share one limit. The key expires when the limiter has
 * been idle for a period.
 * <p>
 * Every decision is bounded by the request's timeout, connecting included: a missing
 * connection is opened on a thread of its own (the first one as soon as the store is
 * initialized) while the caller waits at most the timeout, and a command that does not
 * answer in time is cancelled. A failure other than a timeout drops the connection, so
 * that the next decision opens a fresh one.
 * <p>
 * Works with Redis 5 or later (tested on a standalone server); each script touches one
 * key, so Redis Cluster can route it. Thread-safe.
 */
public class RedisPermitStore implements PermitStore, InitializingBean, DisposableBean {

	/** Namespace used when none is given: {@code resilience:ratelimiter}. */
	public static final String DEFAULT_NAMESPACE = "resilience:ratelimiter";

	private static final String SCRIPT = load("acquire.lua");

	private static final String SCRIPT_SHA = sha1(SCRIPT);

	private final LettuceConnectionFactory connectionFactory;

	private final String namespace;

	private final AtomicReference<CompletableFuture<Connected>> connection = new AtomicReference<>();

	public RedisPermitStore(LettuceConnectionFactory connectionFactory) {
		this(connectionFactory, DEFAULT_NAMESPACE);
	}

	/**
	 * @param namespace prefix of every key this store writes ({@code <namespace>:<name>})
	 */
	public RedisPermitStore(LettuceConnectionFactory connectionFactory, String namespace) {
		Assert.notNull(connectionFactory, "connectionFactory must not be null");
		Assert.hasText(namespace, "namespace must not be empty");
		this.connectionFactory = connectionFactory;
		this.namespace = namespace;
	}

	/**
	 * Starts opening the connection in the background, so that the first calls do not
	 * spend their store timeout on it (opening the first Lettuce connection of a process
	 * can take a second).
	 */
	@Override
	public void afterPropertiesSet() {
		connection();
	}

	/** The Redis key of the limiter named {@code limiterName}. */
	public String key(String limiterName) {
		return this.namespace + ":" + limiterName;
	}

	@Override
	public PermitDecision acquire(PermitRequest request) throws Exception {
		long deadline = System.nanoTime() + request.timeoutNanos();
		CompletableFuture<Connected> connecting = connection();
		Connected connected;
		try {
			connected = connecting.get(request.timeoutNanos(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			throw unwrap(ex);
		}
		byte[][] keyAndArguments = keyAndArguments(request);
		RedisFuture<List<Object>> reply = evalsha(connected, keyAndArguments);
		try {
			return decision(await(reply, deadline));
		}
		catch (RedisNoScriptException ex) {
			// the server lost its script cache (a restart, SCRIPT FLUSH): load it again
			return decision(await(eval(connected, keyAndArguments), deadline));
		}
		catch (TimeoutException ex) {
			throw ex;
		}
		catch (Exception ex) {
			drop(connecting);
			throw ex;
		}
	}

	private static List<Object> await(RedisFuture<List<Object>> reply, long deadline) throws Exception {
		try {
			return reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			reply.cancel(true);
			throw new TimeoutException("Redis did not decide the permit in time");
		}
		catch (ExecutionException ex) {
			throw unwrap(ex);
		}
	}

	@Override
	public CompletionStage<PermitDecision> acquireAsync(PermitRequest request) {
		CompletableFuture<Connected> connecting = connection();
		AtomicReference<RedisFuture<List<Object>>> inFlight = new AtomicReference<>();
		byte[][] keyAndArguments = keyAndArguments(request);
		CompletableFuture<PermitDecision> decision = connecting.thenCompose((connected) -> {
			RedisFuture<List<Object>> reply = evalsha(connected, keyAndArguments);
			inFlight.set(reply);
			return reply.toCompletableFuture().handle((value, failure) -> {
				if (failure == null) {
					return CompletableFuture.completedFuture(value);
				}
				if (unwrapCompletion(failure) instanceof RedisNoScriptException) {
					RedisFuture<List<Object>> again = eval(connected, keyAndArguments);
					inFlight.set(again);
					return again.toCompletableFuture();
				}
				return CompletableFuture.<List<Object>>failedFuture(failure);
			}).thenCompose((stage) -> stage);
		}).thenApply(RedisPermitStore::decision);
		// a copy, so that the timeout completes the caller's stage and never a Lettuce
		// command from outside Lettuce
		CompletableFuture<PermitDecision> bounded = decision.copy()
			.orTimeout(request.timeoutNanos(), TimeUnit.NANOSECONDS);
		bounded.whenComplete((value, failure) -> {
			if (failure == null) {
				return;
			}
			Throwable cause = unwrapCompletion(failure);
			if (cause instanceof TimeoutException) {
				RedisFuture<List<Object>> reply = inFlight.get();
				if (reply != null) {
					reply.cancel(true);
				}
			}
			else {
				drop(connecting);
			}
		});
		return bounded;
	}

	private RedisFuture<List<Object>> evalsha(Connected connected, byte[][] keyAndArguments) {
		return connected.commands()
			.evalsha(SCRIPT_SHA, ScriptOutputType.MULTI, new byte[][] { keyAndArguments[0] }, keyAndArguments[1],
					keyAndArguments[2], keyAndArguments[3]);
	}

	private RedisFuture<List<Object>> eval(Connected connected, byte[][] keyAndArguments) {
		return connected.commands()
			.eval(SCRIPT, ScriptOutputType.MULTI, new byte[][] { keyAndArguments[0] }, keyAndArguments[1],
					keyAndArguments[2], keyAndArguments[3]);
	}

	private byte[][] keyAndArguments(PermitRequest request) {
		return new byte[][] { key(request.limiterName()).getBytes(StandardCharsets.UTF_8),
				ascii(Math.max(1, request.periodNanos() / 1000)), ascii(request.limitForPeriod()),
				ascii(request.maxWaitNanos() / 1000) };
	}

	private static byte[] ascii(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

	private static PermitDecision decision(List<Object> reply) {
		if (reply == null || reply.size() != 3) {
			throw new IllegalStateException("Unexpected reply from the rate limiter script: " + reply);
		}
		long permitted = (Long) reply.get(0);
		long micros = (Long) reply.get(1);
		long left = (Long) reply.get(2);
		return (permitted == 1) ? PermitDecision.permitted(micros * 1000, left)
				: PermitDecision.refused(Math.max(1, micros * 1000), left);
	}

	/**
	 * The connection, opened on a thread of its own when there is none, so that no caller
	 * waits for it longer than its timeout.
	 */
	private CompletableFuture<Connected> connection() {
		while (true) {
			CompletableFuture<Connected> current = this.connection.get();
			if (current != null && !current.isCompletedExceptionally()) {
				return current;
			}
			CompletableFuture<Connected> next = new CompletableFuture<>();
			if (this.connection.compareAndSet(current, next)) {
				Thread opener = new Thread(() -> {
					try {
						next.complete(open());
					}
					catch (Throwable ex) {
						next.completeExceptionally(ex);
					}
				}, "resilience-permit-store-connect");
				opener.setDaemon(true);
				opener.start();
				return next;
			}
		}
	}

	@SuppressWarnings("unchecked")
	private Connected open() {
		RedisConnection connection = this.connectionFactory.getConnection();
		try {
			LettuceConnection lettuce = (LettuceConnection) connection;
			return new Connected(connection,
					(RedisClusterAsyncCommands<byte[], byte[]>) (RedisClusterAsyncCommands<?, ?>) lettuce
						.getNativeConnection());
		}
		catch (RuntimeException ex) {
			connection.close();
			throw ex;
		}
	}

	/** Forgets a connection that failed, so that the next decision opens a new one. */
	private void drop(CompletableFuture<Connected> failed) {
		if (this.connection.compareAndSet(failed, null)) {
			failed.thenAccept(Connected::close);
		}
	}

	@Override
	public void destroy() {
		CompletableFuture<Connected> current = this.connection.getAndSet(null);
		if (current != null) {
			current.thenAccept(Connected::close);
		}
	}

	private static Exception unwrap(ExecutionException ex) {
		Throwable cause = ex.getCause();
		if (cause instanceof Exception exception) {
			return exception;
		}
		if (cause instanceof Error error) {
			throw error;
		}
		return ex;
	}

	private static Throwable unwrapCompletion(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	private static String load(String name) {
		try (InputStream in = new ClassPathResource(name, RedisPermitStore.class).getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the rate limiter script " + name, ex);
		}
	}

	private static String sha1(String script) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A connection of the factory and its asynchronous commands. */
	private record Connected(RedisConnection connection, RedisClusterAsyncCommands<byte[], byte[]> commands) {

		void close() {
			try {
				this.connection.close();
			}
			catch (RuntimeException ex) {
				// closing a broken connection may fail too; it is dropped either way
			}
		}

	}

}
