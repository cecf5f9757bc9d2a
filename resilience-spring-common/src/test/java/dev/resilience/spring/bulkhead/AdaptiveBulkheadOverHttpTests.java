package dev.resilience.spring.bulkhead;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoublePredicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.bulkhead.BulkheadFullException;
import dev.resilience.spring.testsupport.BootLine;
import dev.resilience.spring.testsupport.LocalHttp;
import dev.resilience.spring.testsupport.WithMetricsExport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An adaptive bulkhead ({@code gradient2}, the default) in front of a real HTTP
 * downstream whose latency rises under concurrent load: several client threads call an
 * annotated bean that uses a {@link RestClient}; when WireMock's fixed delay goes from
 * none to 1.5s the limit, read from the {@code resilience.bulkhead.limit} gauge and from
 * {@code limit} in the health details over HTTP, falls; when the delay drops again it
 * recovers. Real time: waits are bounded and generous, and nothing asserts a speed.
 */
@SpringBootTest(classes = AdaptiveBulkheadOverHttpTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.autoconfigure.exclude=" + BootLine.SECURITY, "management.health.redis.enabled=false",
				"management.endpoints.web.exposure.include=health", "management.endpoint.health.show-details=always",
				"resilience.bulkhead.instances.downstream.type=adaptive",
				"resilience.bulkhead.instances.downstream.min-limit=2",
				"resilience.bulkhead.instances.downstream.max-limit=24",
				"resilience.bulkhead.instances.downstream.initial-limit=8" })
@WithMetricsExport
@Timeout(180)
class AdaptiveBulkheadOverHttpTests {

	/**
	 * More clients than half the max limit: gradient2 moves the limit only while the
	 * calls in flight fill at least half of it, as they do under load.
	 */
	private static final int CLIENTS = 16;

	private static final WireMockServer downstream = new WireMockServer(
			wireMockConfig().dynamicPort().containerThreads(CLIENTS * 4));

	private final ObjectMapper json = new ObjectMapper();

	private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final LongAdder refused = new LongAdder();

	private final Queue<RuntimeException> failures = new ConcurrentLinkedQueue<>();

	@Autowired
	private Catalog catalog;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private LocalHttp http;

	@BeforeAll
	static void startDownstream() {
		downstream.start();
	}

	@AfterAll
	static void stopDownstream() {
		downstream.stop();
	}

	@DynamicPropertySource
	static void downstreamUrl(DynamicPropertyRegistry registry) {
		registry.add("test.downstream.url", downstream::baseUrl);
	}

	@AfterEach
	void stopClients() throws InterruptedException {
		this.running.set(false);
		this.clients.shutdown();
		this.clients.awaitTermination(30, TimeUnit.SECONDS);
	}

	@Test
	void limitFallsWhileTheDownstreamSlowsUnderLoadAndRecoversAfterwards() throws Exception {
		respondAfter(Duration.ZERO);
		List<Future<?>> load = startLoad();
		// At low latency under load the limit grows from where it started, near
		// max-limit.
		awaitLimit("grows at low latency", (limit) -> limit >= 20);
		double fast = gaugedLimit();

		// Gradient2 takes a sustained latency as the new normal after a few hundred
		// calls, so the limit dips rather than staying down: the test catches the dip.
		respondAfter(Duration.ofMillis(1500));
		awaitLimit("falls at high latency", (limit) -> limit <= fast / 2);
		int slowInHealth = healthLimit();
		assertThat(slowInHealth).isLessThan((int) fast);

		respondAfter(Duration.ZERO);
		awaitLimit("recovers at low latency", (limit) -> limit >= fast * 3 / 4);
		assertThat(healthLimit()).isGreaterThan(slowInHealth);

		this.running.set(false);
		for (Future<?> client : load) {
			client.get(30, TimeUnit.SECONDS);
		}
		assertThat(this.refused.sum()).as("calls over the limit were refused while it was low").isPositive();
		assertThat(this.failures).isEmpty();
	}

	private static void respondAfter(Duration delay) {
		downstream.stubFor(get(urlEqualTo("/item"))
			.willReturn(aResponse().withStatus(200).withBody("item").withFixedDelay((int) delay.toMillis())));
	}

	private List<Future<?>> startLoad() {
		List<Future<?>> load = new ArrayList<>();
		for (int i = 0; i < CLIENTS; i++) {
			load.add(this.clients.submit(() -> {
				while (this.running.get()) {
					try {
						assertThat(this.catalog.item()).isEqualTo("item");
					}
					catch (BulkheadFullException ex) {
						this.refused.increment();
						pause();
					}
					catch (RuntimeException ex) {
						this.failures.add(ex);
						pause();
					}
				}
			}));
		}
		return load;
	}

	/** A refused client backs off a little instead of spinning on the bulkhead. */
	private static void pause() {
		try {
			Thread.sleep(2);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Polls the gauge often, keeping what it saw for the failure message. */
	private void awaitLimit(String what, DoublePredicate condition) {
		StringBuilder seen = new StringBuilder();
		try {
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
				double limit = gaugedLimit();
				seen.append((int) limit).append(' ');
				return condition.test(limit);
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("limit never " + what + "; gauge readings: " + seen + "; " + this.failures.size()
					+ " failed calls, the first: " + this.failures.peek(), ex);
		}
	}

	private double gaugedLimit() {
		return this.meters.get("resilience.bulkhead.limit").tag("name", "downstream").gauge().value();
	}

	private int healthLimit() throws Exception {
		JsonNode health = this.json.readTree(this.http.getForObject("/actuator/health", String.class));
		return health.path("components").path("bulkheads").path("details").path("downstream").path("limit").asInt(-1);
	}

	/** Calls the downstream through an adaptive bulkhead. */
	static class Catalog {

		private final RestClient client;

		Catalog(String baseUrl) {
			this.client = RestClient.create(baseUrl);
		}

		@Bulkhead(name = "downstream")
		public String item() {
			return this.client.get().uri("/item").retrieve().body(String.class);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(LocalHttp.class)
	static class TestApplication {

		@Bean
		Catalog catalog(@Value("${test.downstream.url}") String baseUrl) {
			return new Catalog(baseUrl);
		}

	}

}
