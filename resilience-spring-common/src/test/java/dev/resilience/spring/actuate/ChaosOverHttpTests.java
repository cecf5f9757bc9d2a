package dev.resilience.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Retry;
import dev.resilience.chaos.ChaosConfig;
import dev.resilience.chaos.ChaosRegistry;
import dev.resilience.chaos.InjectedFaultException;
import dev.resilience.spring.testsupport.BootLine;
import dev.resilience.spring.testsupport.LocalHttp;
import dev.resilience.spring.testsupport.WithMetricsExport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code POST /actuator/resilience/chaos/{name}} over real HTTP, with chaos and state
 * changes enabled: faults switch on and off at runtime with the YAML keys, bad input
 * answers 400 naming the field and changes nothing, an unknown name 404; the settings
 * show in {@code /actuator/resilience} and injections in
 * {@code resilience_chaos_injections_total}.
 */
@SpringBootTest(classes = ChaosOverHttpTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.autoconfigure.exclude=" + BootLine.SECURITY, "management.health.redis.enabled=false",
				"management.endpoints.web.exposure.include=health,prometheus,resilience",
				"resilience.actuator.state-changes-enabled=true", "resilience.chaos.enabled=true",
				"resilience.retry.instances.stock-retry.max-attempts=1" })
@WithMetricsExport
class ChaosOverHttpTests {

	private final ObjectMapper json = new ObjectMapper();

	@Autowired
	private LocalHttp http;

	@Autowired
	private ChaosRegistry chaos;

	@Autowired
	private Stock stock;

	@AfterEach
	void stopInjection() {
		this.chaos.getAll().forEach((instance) -> instance.changeConfig(ChaosConfig.none()));
	}

	@Test
	void switchesErrorsOnThenOffWithTheYamlKeys() throws Exception {
		assertThat(this.stock.count()).isEqualTo(3);

		ResponseEntity<String> on = post("stock", Map.of("error-rate", 1, "error", "java.lang.IllegalStateException"));
		assertThat(on.getStatusCode()).isEqualTo(HttpStatus.OK);
		JsonNode config = this.json.readTree(on.getBody()).path("config");
		assertThat(config.path("error-rate").asDouble()).isEqualTo(1.0);
		assertThat(config.path("error").asText()).isEqualTo("java.lang.IllegalStateException");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(this.stock::count)
			.withMessageContaining("'stock'");

		ResponseEntity<String> off = post("stock", Map.of());
		assertThat(off.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(this.json.readTree(off.getBody()).path("config").path("error-rate").asDouble()).isZero();
		assertThat(this.stock.count()).isEqualTo(3);
	}

	@Test
	void acceptsLatencyAsInYaml() throws Exception {
		ResponseEntity<String> response = post("stock", Map.of("latency", "200ms", "latency-rate", "0.1"));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		ChaosConfig config = this.chaos.chaos("stock").getConfig();
		assertThat(config.getLatency()).hasMillis(200);
		assertThat(config.getLatencyRate()).isEqualTo(0.1);
		assertThat(this.json.readTree(response.getBody()).path("config").path("latency").asText()).isEqualTo("200ms");
	}

	@Test
	void everyNameAnAnnotationUsesCanBeChanged() {
		assertThat(post("stock-retry", Map.of("error-rate", 1)).getStatusCode()).isEqualTo(HttpStatus.OK);

		assertThatExceptionOfType(InjectedFaultException.class).isThrownBy(this.stock::count)
			.satisfies((ex) -> assertThat(ex.getInstanceName()).isEqualTo("stock-retry"));
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			error-rate   | 1.5                          | error-rate
			error-rate   | often                        | error-rate
			latency-rate | -1                           | latency-rate
			latency      | soon                         | latency
			latency      | -5ms                         | latency
			error        | com.example.NoSuchFault      | error
			error        | java.lang.String             | error
			error        | java.io.UncheckedIOException | error
			errorRate    | 0.5                          | errorRate
			""")
	void badInputAnswers400NamingTheFieldAndChangesNothing(String field, String value, String blamed) throws Exception {
		ResponseEntity<String> response = post("stock", Map.of(field, value));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		JsonNode body = this.json.readTree(response.getBody());
		assertThat(body.path("field").asText()).isEqualTo(blamed);
		assertThat(body.path("message").asText()).contains("'" + blamed + "'");
		assertThat(this.chaos.chaos("stock").getConfig().isActive()).isFalse();
	}

	@Test
	void latencyRateWithoutLatencyAnswers400() throws Exception {
		ResponseEntity<String> response = post("stock", Map.of("latency-rate", 0.5));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(this.json.readTree(response.getBody()).path("field").asText()).isEqualTo("latency-rate");
	}

	@Test
	void nameNoAnnotationUsesAnswers404AndCreatesNothing() {
		ResponseEntity<String> response = post("nowhere", Map.of("error-rate", 1));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(response.getBody()).contains("nowhere");
		assertThat(this.chaos.find("nowhere")).isEmpty();
	}

	@Test
	void breakerStateChangesStillWork() {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		ResponseEntity<String> response = this.http.exchange("/actuator/resilience/circuit-breakers/stock",
				HttpMethod.POST, new HttpEntity<>(Map.of("state", "CLOSED"), headers), String.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
	}

	@Test
	void resilienceEndpointShowsChaosSettingsPerName() throws Exception {
		post("stock", Map.of("error-rate", 0.25));

		JsonNode chaos = this.json.readTree(this.http.getForObject("/actuator/resilience", String.class)).path("chaos");
		assertThat(chaos.path("stock").path("config").path("error-rate").asDouble()).isEqualTo(0.25);
		assertThat(chaos.path("stock").path("config").path("error").asText())
			.isEqualTo(InjectedFaultException.class.getName());
		assertThat(chaos.has("stock-retry")).isTrue();
		JsonNode one = this.json.readTree(this.http.getForObject("/actuator/resilience/stock", String.class));
		assertThat(one.path("chaos").path("config").path("error-rate").asDouble()).isEqualTo(0.25);
	}

	@Test
	void injectionsAreCountedByNameAndKind() {
		double errorsBefore = injections("error", "stock");
		double latenciesBefore = injections("latency", "stock");
		post("stock", Map.of("error-rate", 1));
		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(InjectedFaultException.class).isThrownBy(this.stock::count);
		}

		assertThat(injections("error", "stock")).isEqualTo(errorsBefore + 2);
		assertThat(injections("latency", "stock")).isEqualTo(latenciesBefore);
		assertThat(injections("error", "stock-retry")).as("registered for every name at 0 or more").isNotNegative();
	}

	/** The value of one series of resilience_chaos_injections_total, as scraped. */
	private double injections(String kind, String name) {
		String prometheus = this.http.getForObject("/actuator/prometheus", String.class);
		Matcher series = Pattern
			.compile("(?m)^resilience_chaos_injections_total\\{kind=\"" + kind + "\",name=\"" + name + "\"} (\\S+)$")
			.matcher(prometheus);
		assertThat(series.find()).as(kind + "/" + name + " in\n" + prometheus).isTrue();
		return Double.parseDouble(series.group(1));
	}

	private ResponseEntity<String> post(String name, Map<String, ?> body) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		return this.http.exchange("/actuator/resilience/chaos/" + name, HttpMethod.POST,
				new HttpEntity<>(new LinkedHashMap<>(body), headers), String.class);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(LocalHttp.class)
	static class TestApplication {

		@Bean
		Stock stock() {
			return new Stock();
		}

	}

	static class Stock {

		@CircuitBreaker(name = "stock")
		@Retry(name = "stock-retry")
		public int count() {
			return 3;
		}

	}

}
