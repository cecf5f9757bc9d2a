package dev.resilience.spring.ratelimiter.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.resilience.ResilienceRegistry;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RequestNotPermittedException;
import dev.resilience.spring.testsupport.LocalServices;
import dev.resilience.spring.testsupport.RequiresRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two application instances share one limit of 100 permits per second through Redis: 2 ×
 * 16 threads call as fast as they can for 10 seconds. Across both instances no more
 * permits are granted than the limit allows over the run (100 per second, plus one
 * period's burst), and more than 90 % of it is used.
 */
@RequiresRedis
@Timeout(120)
class FleetWideRateLimitTests {

	private static final int LIMIT = 100;

	private static final int THREADS_PER_INSTANCE = 16;

	private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final String limiter = "fleet-" + UUID.randomUUID();

	@Test
	void twoInstancesNeverExceedOneSharedLimitAndUseMostOfIt() throws Exception {
		ConfigurableApplicationContext first = start();
		ConfigurableApplicationContext second = start();
		try {
			LongAdder permitted = new LongAdder();
			LongAdder refused = new LongAdder();
			int threads = 2 * THREADS_PER_INSTANCE;
			CyclicBarrier start = new CyclicBarrier(threads + 1);
			ExecutorService executor = Executors.newFixedThreadPool(threads);
			long began;
			long ended;
			try {
				List<Future<?>> workers = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					FleetClient client = ((t < THREADS_PER_INSTANCE) ? first : second).getBean(FleetClient.class);
					workers.add(executor.submit(() -> {
						start.await();
						long deadline = System.nanoTime() + RUN_NANOS;
						while (System.nanoTime() - deadline < 0) {
							try {
								client.send();
								permitted.increment();
							}
							catch (RequestNotPermittedException ex) {
								refused.increment();
							}
						}
						return null;
					}));
				}
				// read before the barrier opens: no worker can have called yet, so the
				// run
				// measured is never shorter than the run made
				began = System.nanoTime();
				start.await();
				for (Future<?> worker : workers) {
					worker.get(1, TimeUnit.MINUTES);
				}
				ended = System.nanoTime();
			}
			finally {
				executor.shutdownNow();
			}

			double seconds = (ended - began) / 1e9;
			long granted = permitted.sum();
			RateLimiter one = first.getBean(ResilienceRegistry.class).rateLimiter(this.limiter);
			RateLimiter other = second.getBean(ResilienceRegistry.class).rateLimiter(this.limiter);
			assertThat(one.getMetrics().getNumberOfStoreUnavailableCalls()
					+ other.getMetrics().getNumberOfStoreUnavailableCalls())
				.as("calls Redis did not decide within the store timeout")
				.isZero();
			System.out.printf(
					"fleet-wide limit of %d/s: %d permits granted and %d refused across 2 instances"
							+ " in %.3f s (bound %.1f, 90%% floor %d)%n",
					LIMIT, granted, refused.sum(), seconds, LIMIT * seconds + LIMIT, LIMIT * 10 * 9 / 10);
			// GCRA: no interval of length d holds more than d × rate + one period's burst
			assertThat((double) granted).isLessThanOrEqualTo(LIMIT * seconds + LIMIT);
			assertThat(granted).isGreaterThan(LIMIT * 10 * 9 / 10);
			assertThat(refused.sum()).isPositive();
			assertThat(one.getMetrics().getNumberOfPermittedCalls() + other.getMetrics().getNumberOfPermittedCalls())
				.isEqualTo(granted);
			assertThat(one.getMetrics().getNumberOfPermittedCalls()).isPositive();
			assertThat(other.getMetrics().getNumberOfPermittedCalls()).isPositive();
		}
		finally {
			StringRedisTemplate redis = first.getBean(StringRedisTemplate.class);
			redis.delete(RedisPermitStore.DEFAULT_NAMESPACE + ":" + this.limiter);
			first.close();
			second.close();
		}
	}

	private ConfigurableApplicationContext start() {
		String instance = "resilience.rate-limiter.instances." + this.limiter;
		return new SpringApplicationBuilder(FleetClient.Instance.class).web(WebApplicationType.NONE)
			.properties("spring.data.redis.host=" + LocalServices.REDIS_HOST,
					"spring.data.redis.port=" + LocalServices.REDIS_PORT, "test.limiter=" + this.limiter,
					instance + ".scope=cluster", instance + ".limit-for-period=" + LIMIT,
					instance + ".limit-refresh-period=1s", instance + ".store-timeout=5s",
					// a call Redis did not decide in time is refused, so that every call
					// served was granted by Redis
					instance + ".on-store-unavailable=deny")
			.run();
	}

}
