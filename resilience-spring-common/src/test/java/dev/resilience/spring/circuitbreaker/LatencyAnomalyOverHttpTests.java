package dev.resilience.spring.circuitbreaker;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import dev.resilience.ResilienceRegistry;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreaker.State;
import dev.resilience.spring.testsupport.BootLine;
import dev.resilience.spring.testsupport.LocalHttp;
import dev.resilience.spring.testsupport.WithMetricsExport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Latency anomalies against a real HTTP downstream (WireMock): a {@code @CircuitBreaker}
 * bean calls it through a {@link RestClient}; its latency jumps from 20ms to 200ms and
 * the breaker opens although no {@code slow-call-duration-threshold} is configured (it
 * stays at its 60s default); latency back to 20ms, the half-open trial calls succeed and
 * the breaker closes. Health, the resilience endpoint and Prometheus show the learned
 * threshold.
 * <p>
 * Waits are real but bounded, and nothing asserts how fast a call was. The delay of the
 * stub is a lower bound of each call, so a 200ms call is slow as soon as the learned
 * threshold is under 200ms; on a loaded machine the normal calls take far longer than
 * their 20ms (a 90th percentile of 75ms was seen on two cores at load 14), so the test
 * learns the median and doubles it: the threshold is the 100ms floor unless the median
 * normal call takes over 50ms, and stays under 200ms unless it takes over 100ms.
 */
@SpringBootTest(classes = LatencyAnomalyOverHttpTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.autoconfigure.exclude=" + BootLine.SECURITY, "management.health.redis.enabled=false",
				"management.endpoints.web.exposure.include=health,prometheus,resilience",
				"management.endpoint.health.show-details=always",
				"resilience.circuit-breaker.instances.inventory.adaptive-slow-call.enabled=true",
				"resilience.circuit-breaker.instances.inventory.adaptive-slow-call.quantile=0.5",
				"resilience.circuit-breaker.instances.inventory.adaptive-slow-call.factor=2",
				"resilience.circuit-breaker.instances.inventory.sliding-window-size=20",
				"resilience.circuit-breaker.instances.inventory.minimum-number-of-calls=20",
				"resilience.circuit-breaker.instances.inventory.slow-call-rate-threshold=50",
				"resilience.circuit-breaker.instances.inventory.wait-duration-in-open-state=500ms",
				"resilience.circuit-breaker.instances.inventory.permitted-number-of-calls-in-half-open-state=3" })
@WithMetricsExport
class LatencyAnomalyOverHttpTests {

	private static final WireMockServer downstream = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private final ObjectMapper json = new ObjectMapper();

	@Autowired
	private InventoryClient client;

	@Autowired
	private ResilienceRegistry registry;

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

	@Test
	void latencyJumpOpensTheBreakerWithNoAbsoluteThresholdAndRecoveryClosesIt() throws Exception {
		latency(20);
		// Connections and code paths warmed outside the breaker, so that first-call costs
		// are not learned as normal latency.
		for (int i = 0; i < 20; i++) {
			this.client.stockUnprotected();
		}
		CircuitBreaker breaker = this.registry.findCircuitBreaker("inventory").orElseThrow();
		assertThat(breaker.getConfig().getSlowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(60));
		assertThat(breakerHealth().path("learnedSlowCallThreshold").isNull()).as("nothing learned yet").isTrue();
		for (int i = 0; i < 40; i++) {
			assertThat(this.client.stock()).isEqualTo("5");
		}
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		String learned = breakerHealth().path("learnedSlowCallThreshold").asText();
		assertThat(learned).matches("\\d+ms");
		assertThat(millis(learned)).as("learned threshold (under 200ms unless the median normal call took over 100ms)")
			.isBetween(100L, 199L);

		latency(200);
		int calls = 0;
		while (breaker.getState() == State.CLOSED && calls < 100) {
			assertThat(this.client.stock()).isEqualTo("5");
			calls++;
		}
		assertThat(breaker.getState()).as("after %d calls of 200ms", calls).isEqualTo(State.OPEN);
		JsonNode open = breakerHealth();
		assertThat(open.path("state").asText()).isEqualTo("OPEN");
		assertThat(open.path("slowCallRate").asDouble()).isGreaterThanOrEqualTo(50.0);
		assertThat(open.path("failedCalls").asInt()).isZero();
		assertThat(open.path("learnedSlowCallThreshold").asText()).as("the outage is not learned").isEqualTo(learned);

		latency(20);
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
			try {
				this.client.stock();
			}
			catch (CallNotPermittedException ex) {
				// Still open: the wait is not over.
			}
			return breaker.getState() == State.CLOSED;
		});
		for (int i = 0; i < 20; i++) {
			assertThat(this.client.stock()).isEqualTo("5");
		}
		assertThat(breaker.getState()).isEqualTo(State.CLOSED);
		// Normal calls are learned again once closed, so the value may move a little.
		assertThat(millis(breakerHealth().path("learnedSlowCallThreshold").asText())).isBetween(100L, 199L);

		JsonNode endpoint = this.json.readTree(this.http.getForObject("/actuator/resilience", String.class))
			.path("circuitBreakers")
			.path("inventory");
		assertThat(millis(endpoint.path("learnedSlowCallThreshold").asText())).isBetween(100L, 199L);
		assertThat(endpoint.path("config").path("adaptive-slow-call.enabled").asBoolean()).isTrue();
		assertThat(endpoint.path("config").path("adaptive-slow-call.quantile").asDouble()).isEqualTo(0.5);
		assertThat(endpoint.path("config").path("adaptive-slow-call.min-threshold").asText()).isEqualTo("100ms");
		assertThat(prometheus()).containsPattern(
				"resilience_circuitbreaker_learned_slow_call_threshold_seconds\\{name=\"inventory\"} 0\\.1\\d*\n");
	}

	private static long millis(String duration) {
		assertThat(duration).matches("\\d+ms");
		return Long.parseLong(duration.substring(0, duration.length() - 2));
	}

	private static void latency(int millis) {
		downstream.stubFor(get(urlEqualTo("/stock")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/plain")
			.withBody("5")
			.withFixedDelay(millis)));
	}

	private JsonNode breakerHealth() throws Exception {
		return this.json.readTree(this.http.getForObject("/actuator/health", String.class))
			.path("components")
			.path("circuitBreakers")
			.path("details")
			.path("inventory");
	}

	private String prometheus() {
		HttpHeaders headers = new HttpHeaders();
		headers.setAccept(List.of(MediaType.TEXT_PLAIN));
		return this.http.exchange("/actuator/prometheus", HttpMethod.GET, new HttpEntity<>(headers), String.class)
			.getBody();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(LocalHttp.class)
	static class TestApplication {

		@Bean
		InventoryClient inventoryClient() {
			return new InventoryClient(RestClient.create("http://127.0.0.1:" + downstream.port()));
		}

	}

	/** The downstream's client, protected by the breaker under test. */
	public static class InventoryClient {

		private final RestClient rest;

		InventoryClient(RestClient rest) {
			this.rest = rest;
		}

		@dev.resilience.annotation.CircuitBreaker(name = "inventory")
		public String stock() {
			return stockUnprotected();
		}

		public String stockUnprotected() {
			return this.rest.get().uri("/stock").retrieve().body(String.class);
		}

	}

}
