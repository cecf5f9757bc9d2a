package dev.resilience.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.spring.ratelimiter.redis.RedisPermitStore;

/**
 * One permit decision of a fleet-wide rate limiter against a local Redis
 * (127.0.0.1:6379), one thread: ours (the engine's cluster limiter over the Redis store:
 * one {@code EVALSHA} of the GCRA script) against a fixed window done naively from the
 * JVM ({@code INCR} then {@code EXPIRE}, two round trips) and against a single
 * {@code INCR} (one round trip, the floor of any shared counter). All three use the same
 * Lettuce connection and wait for the reply on the calling thread. The limit is set high
 * enough that every call is permitted.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class ClusterRateLimiterBenchmarks {

	@Benchmark
	public boolean oursClusterPermit(Redis redis) {
		return redis.limiter.tryAcquirePermission();
	}

	@Benchmark
	public Object naiveIncrThenExpire(Redis redis) throws Exception {
		Long count = redis.commands.incr(redis.windowKey).get();
		redis.commands.expire(redis.windowKey, 1).get();
		return count;
	}

	@Benchmark
	public Object singleIncr(Redis redis) throws Exception {
		return redis.commands.incr(redis.windowKey).get();
	}

	/** A connection to the local Redis, a cluster limiter over it, and a counter key. */
	@State(Scope.Benchmark)
	public static class Redis {

		LettuceConnectionFactory factory;

		RedisConnection connection;

		RedisClusterAsyncCommands<byte[], byte[]> commands;

		RedisPermitStore store;

		RateLimiter limiter;

		final byte[] windowKey = "resilience:benchmark:window".getBytes(StandardCharsets.UTF_8);

		@Setup(Level.Trial)
		public void connect() {
			this.factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
			this.factory.afterPropertiesSet();
			this.factory.start();
			this.connection = this.factory.getConnection();
			this.commands = ((LettuceConnection) this.connection).getNativeConnection();
			this.store = new RedisPermitStore(this.factory, "resilience:benchmark");
			this.store.afterPropertiesSet();
			RateLimiterConfig config = RateLimiterConfig.custom()
				.scope(RateLimiterConfig.Scope.CLUSTER)
				.limitForPeriod(1_000_000)
				.limitRefreshPeriod(Duration.ofSeconds(1))
				.storeTimeout(Duration.ofSeconds(1))
				.build();
			this.limiter = RateLimiter.of("benchmark", config, this.store, Ticker.system(), Scheduler.system(),
					ContextPropagator.NONE);
			if (!this.limiter.tryAcquirePermission() || !this.limiter.getMetrics().isStoreAvailable()) {
				throw new IllegalStateException("the local Redis on 127.0.0.1:6379 does not answer");
			}
		}

		@TearDown(Level.Trial)
		public void disconnect() {
			if (this.limiter.getMetrics().getNumberOfStoreUnavailableCalls() > 0) {
				throw new IllegalStateException("some decisions were made without Redis: the figures are void");
			}
			this.connection.close();
			this.store.destroy();
			this.factory.destroy();
		}

	}

}
