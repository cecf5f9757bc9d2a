package dev.resilience.spring.ratelimiter.redis;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.resilience.ResilienceRegistry;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RequestNotPermittedException;
import dev.resilience.spring.actuate.ResilienceEndpoint;
import dev.resilience.spring.actuate.ResilienceEndpoint.RateLimiterDescriptor;
import dev.resilience.spring.actuate.ResilienceHealth;
import dev.resilience.spring.testsupport.LocalServices;
import dev.resilience.spring.testsupport.RequiresRedis;
import dev.resilience.spring.testsupport.SwitchableTcpProxy;
import dev.resilience.spring.testsupport.SwitchableTcpProxy.Mode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Redis taken away from one application instance while it runs, through a proxy that goes
 * down or stops answering: an allowing limiter keeps serving, a denying one refuses,
 * neither hangs (each call waits at most the store timeout, and only the first calls of
 * an outage wait at all), the outage is one WARN line and its end one INFO line, and
 * health, metrics and the actuator endpoint tell it.
 */
@RequiresRedis
@Timeout(120)
@ExtendWith(OutputCaptureExtension.class)
class ClusterRateLimiterOutageTests {

	private static final int THREADS = 8;

	private static final int CALLS_PER_THREAD = 200;

	private final String limiter = "outage-" + UUID.randomUUID();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private SwitchableTcpProxy proxy;

	@AfterEach
	void stop() {
		if (this.proxy != null) {
			this.proxy.close();
		}
		for (ConfigurableApplicationContext context : this.contexts) {
			context.close();
		}
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(LocalServices.REDIS_HOST, LocalServices.REDIS_PORT));
		factory.afterPropertiesSet();
		factory.start();
		try {
			new StringRedisTemplate(factory).delete(RedisPermitStore.DEFAULT_NAMESPACE + ":" + this.limiter);
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void anAllowingLimiterKeepsServingThroughAnOutageAndReturnsToRedisAfterIt(CapturedOutput output) throws Exception {
		this.proxy = new SwitchableTcpProxy(LocalServices.REDIS_HOST, LocalServices.REDIS_PORT);
		ConfigurableApplicationContext context = start(this.proxy.port(), "allow");
		FleetClient client = context.getBean(FleetClient.class);
		RateLimiter rateLimiter = context.getBean(ResilienceRegistry.class).rateLimiter(this.limiter);
		assertThat(client.send()).isEqualTo("sent");
		assertThat(rateLimiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(1);

		this.proxy.mode(Mode.DOWN);
		long served = hammer(client, false);

		assertThat(served).isEqualTo(THREADS * CALLS_PER_THREAD);
		assertThat(rateLimiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(1);
		assertThat(rateLimiter.getMetrics().getNumberOfStoreUnavailableCalls()).isEqualTo(served);
		assertThat(rateLimiter.getMetrics().isStoreAvailable()).isFalse();
		assertThat(client.sendAsync().toCompletableFuture().get()).startsWith("sent");
		assertThat(count(output.getOut(), "RateLimiter '" + this.limiter + "' cannot reach its permit store"))
			.isEqualTo(1);
		assertThat(storeUnavailableCounter(context).count()).isEqualTo(served + 1);
		assertThat(health(context)).containsEntry("scope", "cluster").containsEntry("storeAvailable", false);
		RateLimiterDescriptor descriptor = new ResilienceEndpoint(context.getBean(ResilienceRegistry.class), false)
			.resilience()
			.rateLimiters()
			.get(this.limiter);
		assertThat(descriptor.scope()).isEqualTo("cluster");
		assertThat(descriptor.storeAvailable()).isFalse();
		assertThat(descriptor.storeUnavailableCalls()).isEqualTo(served + 1);
		assertThat(descriptor.config()).containsEntry("on-store-unavailable", "allow")
			.containsEntry("store-timeout", "200ms");

		this.proxy.mode(Mode.FORWARD);
		// the store is asked again once a second: a real wait is the point here
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			client.send();
			assertThat(rateLimiter.getMetrics().getNumberOfPermittedCalls()).isGreaterThan(1);
		});
		assertThat(rateLimiter.getMetrics().isStoreAvailable()).isTrue();
		assertThat(count(output.getOut(), "RateLimiter '" + this.limiter + "' reaches its permit store again"))
			.isEqualTo(1);
		assertThat(health(context)).containsEntry("storeAvailable", true);
	}

	@Test
	void aDenyingLimiterRefusesWhileRedisSwallowsItsRequests(CapturedOutput output) throws Exception {
		this.proxy = new SwitchableTcpProxy(LocalServices.REDIS_HOST, LocalServices.REDIS_PORT);
		ConfigurableApplicationContext context = start(this.proxy.port(), "deny");
		FleetClient client = context.getBean(FleetClient.class);
		RateLimiter rateLimiter = context.getBean(ResilienceRegistry.class).rateLimiter(this.limiter);
		assertThat(client.send()).isEqualTo("sent");

		this.proxy.mode(Mode.SWALLOW);
		long served = hammer(client, true);

		assertThat(served).isZero();
		assertThat(rateLimiter.getMetrics().getNumberOfStoreUnavailableCalls()).isEqualTo(THREADS * CALLS_PER_THREAD);
		assertThat(rateLimiter.getMetrics().getNumberOfRejectedCalls()).isZero();
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> client.sendAsync().toCompletableFuture().get())
			.withCauseInstanceOf(RequestNotPermittedException.class);
		assertThat(count(output.getOut(), "RateLimiter '" + this.limiter + "' cannot reach its permit store"))
			.isEqualTo(1);
		assertThat(output.getOut()).contains("calls are refused without the limit");
	}

	@Test
	void aLimiterWhoseRedisNeverListenedServesOrRefusesAsConfigured() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		ConfigurableApplicationContext allowing = start(closedPort, "allow");
		FleetClient allowed = allowing.getBean(FleetClient.class);
		for (int i = 0; i < 20; i++) {
			assertThat(allowed.send()).isEqualTo("sent");
		}
		assertThat(allowed.sendAsync().toCompletableFuture().get()).startsWith("sent");
		RateLimiter allowingLimiter = allowing.getBean(ResilienceRegistry.class).rateLimiter(this.limiter);
		assertThat(allowingLimiter.getMetrics().getNumberOfStoreUnavailableCalls()).isEqualTo(21);

		ConfigurableApplicationContext denying = start(closedPort, "deny");
		FleetClient denied = denying.getBean(FleetClient.class);
		for (int i = 0; i < 20; i++) {
			assertThatExceptionOfType(RequestNotPermittedException.class).isThrownBy(denied::send)
				.satisfies(
						(ex) -> assertThat(ex.getRetryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1)));
		}
	}

	/** THREADS threads make CALLS_PER_THREAD calls each; returns the calls served. */
	private long hammer(FleetClient client, boolean expectRefusals) throws Exception {
		LongAdder served = new LongAdder();
		LongAdder refused = new LongAdder();
		ExecutorService executor = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<?>> workers = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				workers.add(executor.submit(() -> {
					for (int i = 0; i < CALLS_PER_THREAD; i++) {
						try {
							client.send();
							served.increment();
						}
						catch (RequestNotPermittedException ex) {
							refused.increment();
						}
					}
					return null;
				}));
			}
			for (Future<?> worker : workers) {
				worker.get(1, TimeUnit.MINUTES);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(refused.sum()).isEqualTo(expectRefusals ? THREADS * CALLS_PER_THREAD : 0);
		return served.sum();
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> health(ConfigurableApplicationContext context) {
		return (Map<String, Object>) ResilienceHealth.rateLimiters(context.getBean(ResilienceRegistry.class))
			.get(this.limiter);
	}

	private FunctionCounter storeUnavailableCounter(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class)
			.get("resilience.ratelimiter.calls")
			.tag("name", this.limiter)
			.tag("kind", "store_unavailable")
			.functionCounter();
	}

	private static long count(String text, String line) {
		return text.lines().filter((candidate) -> candidate.contains(line)).count();
	}

	private ConfigurableApplicationContext start(int redisPort, String onStoreUnavailable) {
		String instance = "resilience.rate-limiter.instances." + this.limiter;
		ConfigurableApplicationContext context = new SpringApplicationBuilder(FleetClient.Instance.class)
			.web(WebApplicationType.NONE)
			.properties("spring.data.redis.host=" + LocalServices.REDIS_HOST, "spring.data.redis.port=" + redisPort,
					"test.limiter=" + this.limiter, instance + ".scope=cluster", instance + ".limit-for-period=1000",
					instance + ".limit-refresh-period=1s", instance + ".store-timeout=200ms",
					instance + ".on-store-unavailable=" + onStoreUnavailable)
			.run();
		this.contexts.add(context);
		return context;
	}

}
