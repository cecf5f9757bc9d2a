package dev.resilience.spring.coexistence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.spring.testsupport.BootLine;
import dev.resilience.spring.testsupport.LocalHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * resilience4j's Spring Boot module and the starter in one application, as during a
 * migration, with resilience4j's health indicators switched on: both libraries show in
 * {@code /actuator/health} (the starter's breakers and rate limiters under
 * {@code resilienceCircuitBreakers} and {@code resilienceRateLimiters}, announced in one
 * INFO line), one WARN line lists the names both use for the same pattern, and one WARN
 * line per method names a method that carries annotations of both.
 */
@SpringBootTest(classes = Resilience4jBesideTheStarterTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.autoconfigure.exclude=" + BootLine.SECURITY, "management.health.redis.enabled=false",
				"management.endpoints.web.exposure.include=health", "management.endpoint.health.show-details=always",
				// resilience4j's switches and instances
				"management.health.circuitbreakers.enabled=true", "management.health.ratelimiters.enabled=true",
				"resilience4j.circuitbreaker.instances.payments.register-health-indicator=true",
				"resilience4j.circuitbreaker.instances.inventory.register-health-indicator=true",
				"resilience4j.circuitbreaker.instances.inventory.failure-rate-threshold=30",
				"resilience4j.ratelimiter.instances.quotes.register-health-indicator=true",
				"resilience4j.ratelimiter.instances.quotes.limit-for-period=7",
				"resilience4j.thread-pool-bulkhead.instances.reports.core-thread-pool-size=1",
				"resilience4j.thread-pool-bulkhead.instances.reports.max-thread-pool-size=1",
				"resilience4j.retry.instances.onlyTheirs.max-attempts=2",
				"resilience4j.timelimiter.instances.orders.timeout-duration=2s",
				// the starter's
				"resilience.circuit-breaker.instances.inventory.sliding-window-size=40",
				"resilience.rate-limiter.instances.quotes.limit-for-period=3",
				"resilience.bulkhead.instances.reports.max-concurrent-calls=3",
				"resilience.retry.instances.onlyOurs.max-attempts=2" })
@ExtendWith(OutputCaptureExtension.class)
class Resilience4jBesideTheStarterTests {

	static final String SHARED_NAMES_WARNING = "Instance names used by both resilience4j and this starter:"
			+ " inventory (circuit breaker), quotes (rate limiter), reports (bulkhead), shipping (retry), tracking (timeout)."
			+ " They are independent instances: each library keeps its own state and limits under the name"
			+ " (a bulkhead of 10 admits 10 calls in each library, 20 in all); move each name to one library";

	static final String HEALTH_NAMES_INFO = "resilience4j's health indicators are enabled and use the names"
			+ " circuitBreakers, rateLimiters in /actuator/health, so this starter reports its own as"
			+ " resilienceCircuitBreakers, resilienceRateLimiters; they take back their usual names once"
			+ " resilience4j's are switched off (management.health.circuitbreakers.enabled,"
			+ " management.health.ratelimiters.enabled) or removed";

	private final ObjectMapper json = new ObjectMapper();

	@Autowired
	private LocalHttp http;

	@Test
	void bothLibrariesShowInHealthTheStartersBreakersAndLimitersUnderTheirAlternativeNames() throws Exception {
		JsonNode components = this.json.readTree(this.http.getForObject("/actuator/health", String.class))
			.path("components");

		assertThat(fieldNames(components)).contains("circuitBreakers", "rateLimiters", "resilienceCircuitBreakers",
				"resilienceRateLimiters", "retries", "bulkheads", "timeouts");
		// resilience4j's: its own detail layout, one nested health per registered
		// instance
		JsonNode theirBreakers = components.path("circuitBreakers").path("details");
		assertThat(fieldNames(theirBreakers)).containsExactlyInAnyOrder("payments", "inventory");
		assertThat(theirBreakers.path("inventory").path("details").path("failureRateThreshold").asText())
			.isEqualTo("30.0%");
		assertThat(theirBreakers.path("inventory").path("details").path("state").asText()).isEqualTo("CLOSED");
		assertThat(components.path("rateLimiters")
			.path("details")
			.path("quotes")
			.path("details")
			.path("availablePermissions")
			.asInt()).isEqualTo(7);
		// the starter's: the specification's layout
		JsonNode ourBreakers = components.path("resilienceCircuitBreakers").path("details");
		assertThat(fieldNames(ourBreakers)).contains("inventory", "tracking").doesNotContain("payments");
		assertThat(fieldNames(ourBreakers.path("inventory"))).containsExactly("state", "failureRate", "slowCallRate",
				"bufferedCalls", "failedCalls", "notPermittedCalls");
		assertThat(ourBreakers.path("inventory").path("state").asText()).isEqualTo("CLOSED");
		assertThat(
				components.path("resilienceRateLimiters").path("details").path("quotes").path("limitForPeriod").asInt())
			.isEqualTo(3);
		assertThat(components.path("bulkheads").path("details").path("reports").path("maxConcurrentCalls").asInt())
			.isEqualTo(3);
		assertThat(fieldNames(components.path("retries").path("details"))).contains("shipping", "onlyOurs")
			.doesNotContain("onlyTheirs");
		assertThat(fieldNames(components.path("timeouts").path("details"))).contains("tracking");
	}

	@Test
	void oneInfoLineSaysWhereTheStartersHealthIs(CapturedOutput output) {
		assertThat(lines(output, HEALTH_NAMES_INFO)).hasSize(1).allMatch((line) -> line.contains(" INFO "));
	}

	@Test
	void oneWarnLineListsExactlyTheNamesBothLibrariesUseForTheSamePattern(CapturedOutput output) {
		assertThat(lines(output, "Instance names used by both resilience4j and this starter")).hasSize(1)
			.allMatch((line) -> line.contains(" WARN ") && line.endsWith(SHARED_NAMES_WARNING));
	}

	@Test
	void eachMethodCarryingAnnotationsOfBothLibrariesHasItsOwnWarnLine(CapturedOutput output) {
		List<String> mixed = lines(output, "of resilience4j: this starter's interceptor runs outside");
		assertThat(mixed).hasSize(2).allMatch((line) -> line.contains(" WARN "));
		assertThat(mixed).anyMatch((line) -> line.contains("MixedClient.track(String) carries @CircuitBreaker @Timeout"
				+ " of this starter and @TimeLimiter of resilience4j: this starter's interceptor runs outside"
				+ " resilience4j's aspects, so the two do not combine (resilience4j's @TimeLimiter only sees the"
				+ " finished call and limits nothing); keep the whole method on one library"));
		assertThat(mixed).anyMatch((line) -> line.endsWith("ClassLevelClient.report(String) carries @Bulkhead of this"
				+ " starter and @Retry of resilience4j: this starter's interceptor runs outside resilience4j's aspects,"
				+ " so the two do not combine; keep the whole method on one library"));
		assertThat(output.getAll()).doesNotContain("MixedClient.untouched(String) carries")
			.doesNotContain("StarterClient.ship(String) carries");
	}

	private static List<String> lines(CapturedOutput output, String text) {
		return output.getAll().lines().filter((line) -> line.contains(text)).toList();
	}

	private static List<String> fieldNames(JsonNode node) {
		List<String> names = new ArrayList<>();
		node.fieldNames().forEachRemaining(names::add);
		return names;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(LocalHttp.class)
	static class TestApplication {

		@Bean
		StarterClient starterClient() {
			return new StarterClient();
		}

		@Bean
		Resilience4jClient resilience4jClient() {
			return new Resilience4jClient();
		}

		@Bean
		MixedClient mixedClient() {
			return new MixedClient();
		}

		@Bean
		ClassLevelClient classLevelClient() {
			return new ClassLevelClient();
		}

	}

	/** The starter's annotations only. */
	static class StarterClient {

		@Retry(name = "shipping")
		public String ship(String parcel) {
			return parcel;
		}

		@Retry(name = "orders")
		public String order(String item) {
			return item;
		}

	}

	/** resilience4j's annotations only. */
	static class Resilience4jClient {

		@io.github.resilience4j.retry.annotation.Retry(name = "shipping")
		public String ship(String parcel) {
			return parcel;
		}

		@io.github.resilience4j.timelimiter.annotation.TimeLimiter(name = "tracking")
		public CompletableFuture<String> track(String parcel) {
			return CompletableFuture.completedFuture(parcel);
		}

	}

	/** Both libraries on one method, and a method with the starter's only. */
	static class MixedClient {

		@CircuitBreaker(name = "tracking")
		@Timeout(name = "tracking")
		@io.github.resilience4j.timelimiter.annotation.TimeLimiter(name = "tracking")
		public CompletableFuture<String> track(String parcel) {
			return CompletableFuture.completedFuture(parcel);
		}

		@CircuitBreaker(name = "tracking")
		public String untouched(String parcel) {
			return parcel;
		}

	}

	/** resilience4j's annotation on the class applies to the starter's method. */
	@io.github.resilience4j.retry.annotation.Retry(name = "reporting")
	static class ClassLevelClient {

		@Bulkhead(name = "reports")
		public String report(String name) {
			return name;
		}

	}

}
