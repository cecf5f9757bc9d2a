package dev.resilience.spring.actuate;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.resilience.annotation.RateLimiter;
import dev.resilience.annotation.Timeout;
import dev.resilience.spring.testsupport.BootLine;
import dev.resilience.spring.testsupport.LocalHttp;
import dev.resilience.spring.testsupport.WithMetricsExport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rate-limited {@code POST /orders} and a time-limited {@code GET /stock} over real
 * HTTP: the refusal answers {@code 429} problem+json with {@code Retry-After}, and
 * health, Prometheus and the resilience endpoint show both kinds. Each test uses its own
 * instance names.
 */
@SpringBootTest(classes = RateLimiterAndTimeoutOverHttpTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.autoconfigure.exclude=" + BootLine.SECURITY, "management.health.redis.enabled=false",
				"management.endpoints.web.exposure.include=health,prometheus,resilience",
				"management.endpoint.health.show-details=always",
				"resilience.rate-limiter.instances.orders.limit-for-period=2",
				"resilience.rate-limiter.instances.orders.limit-refresh-period=1h",
				"resilience.timeout.instances.stock.duration=5s",
				"resilience.timeout.instances.stock.interrupt=false" })
@WithMetricsExport
class RateLimiterAndTimeoutOverHttpTests {

	private final ObjectMapper json = new ObjectMapper();

	@Autowired
	private LocalHttp http;

	@Test
	void thirdOrderOfThePeriodIsA429WithRetryAfterAndIsCounted() throws Exception {
		assertThat(postOrder().getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(postOrder().getStatusCode()).isEqualTo(HttpStatus.OK);

		ResponseEntity<String> refused = postOrder();

		assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(refused.getHeaders().getContentType()).isNotNull()
			.satisfies((type) -> assertThat(type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue());
		long retryAfter = Long.parseLong(refused.getHeaders().getFirst(HttpHeaders.RETRY_AFTER));
		assertThat(retryAfter).as("whole seconds until the next period, rounded up").isBetween(1L, 3600L);
		JsonNode problem = this.json.readTree(refused.getBody());
		assertThat(problem.path("status").asInt()).isEqualTo(429);
		assertThat(problem.path("title").asText()).isEqualTo("Too many requests");

		assertThat(prometheus()).contains(
				"resilience_ratelimiter_calls_total{kind=\"permitted\",name=\"orders\"} 2.0\n",
				"resilience_ratelimiter_calls_total{kind=\"rejected\",name=\"orders\"} 1.0\n",
				"resilience_ratelimiter_available_permissions{name=\"orders\"} 0.0\n");
		JsonNode health = this.json.readTree(this.http.getForObject("/actuator/health", String.class));
		JsonNode limiters = health.path("components").path("rateLimiters");
		assertThat(limiters.path("status").asText()).as("a limiter without permits is doing its job").isEqualTo("UP");
		assertThat(limiters.path("details").path("orders").path("availablePermissions").asInt()).isZero();
		assertThat(limiters.path("details").path("orders").path("limitForPeriod").asInt()).isEqualTo(2);
		JsonNode endpoint = this.json.readTree(this.http.getForObject("/actuator/resilience", String.class));
		JsonNode orders = endpoint.path("rateLimiters").path("orders");
		assertThat(orders.path("availablePermissions").asInt()).isZero();
		assertThat(orders.path("rejectedCalls").asLong()).isEqualTo(1);
		assertThat(orders.path("config").path("limit-refresh-period").asText()).isEqualTo("3600s");
	}

	@Test
	void timeoutCountsCallsByKindAndIsListedWithItsConfiguration() throws Exception {
		assertThat(this.http.getForEntity("/stock", String.class).getBody()).isEqualTo("5");

		assertThat(prometheus()).contains("resilience_timeout_calls_total{kind=\"successful\",name=\"stock\"} 1.0\n",
				"resilience_timeout_calls_total{kind=\"failed\",name=\"stock\"} 0.0\n",
				"resilience_timeout_calls_total{kind=\"timed_out\",name=\"stock\"} 0.0\n");
		JsonNode health = this.json.readTree(this.http.getForObject("/actuator/health", String.class));
		JsonNode stock = health.path("components").path("timeouts").path("details").path("stock");
		assertThat(stock.path("duration").asText()).isEqualTo("5s");
		assertThat(stock.path("interrupt").asBoolean()).isFalse();
		JsonNode one = this.json.readTree(this.http.getForObject("/actuator/resilience/stock", String.class));
		assertThat(one.path("timeout").path("successfulCalls").asLong()).isEqualTo(1);
		assertThat(one.path("timeout").path("config").path("duration").asText()).isEqualTo("5s");
		assertThat(one.has("rateLimiter")).isFalse();
	}

	private ResponseEntity<String> postOrder() {
		return this.http.exchange("/orders", HttpMethod.POST, HttpEntity.EMPTY, String.class);
	}

	private String prometheus() {
		HttpHeaders headers = new HttpHeaders();
		headers.setAccept(List.of(MediaType.TEXT_PLAIN));
		ResponseEntity<String> response = this.http.exchange("/actuator/prometheus", HttpMethod.GET,
				new HttpEntity<>(headers), String.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		return response.getBody();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(LocalHttp.class)
	static class TestApplication {

		@Bean
		ShopController shopController() {
			return new ShopController();
		}

	}

	@RestController
	public static class ShopController {

		@PostMapping("/orders")
		@RateLimiter(name = "orders")
		public String placeOrder() {
			return "placed";
		}

		@GetMapping("/stock")
		@Timeout(name = "stock")
		public String stock() {
			return "5";
		}

	}

}
