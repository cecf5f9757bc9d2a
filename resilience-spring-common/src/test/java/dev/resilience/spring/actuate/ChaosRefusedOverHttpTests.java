package dev.resilience.spring.actuate;

import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.chaos.ChaosRegistry;
import dev.resilience.spring.testsupport.BootLine;
import dev.resilience.spring.testsupport.LocalHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /actuator/resilience/chaos/{name}} refused: 403 under the
 * {@code state-changes-enabled} guard (chaos on, nothing changes), 409 when chaos is not
 * enabled (there is nothing to change).
 */
class ChaosRefusedOverHttpTests {

	ResponseEntity<String> post(LocalHttp http, String name) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		return http.exchange("/actuator/resilience/chaos/" + name, HttpMethod.POST,
				new HttpEntity<>(Map.of("error-rate", 1), headers), String.class);
	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "spring.autoconfigure.exclude=" + BootLine.SECURITY, "management.health.redis.enabled=false",
					"management.endpoints.web.exposure.include=resilience", "resilience.chaos.enabled=true" })
	class WithoutStateChanges {

		@Autowired
		private LocalHttp http;

		@Autowired
		private ChaosRegistry chaos;

		@Autowired
		private Stock stock;

		@Test
		void answers403AndChangesNothing() {
			ResponseEntity<String> response = post(this.http, "stock");

			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
			assertThat(response.getBody()).contains("resilience.actuator.state-changes-enabled");
			assertThat(this.chaos.chaos("stock").getConfig().isActive()).isFalse();
			assertThat(this.stock.count()).isEqualTo(3);
		}

	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "spring.autoconfigure.exclude=" + BootLine.SECURITY, "management.health.redis.enabled=false",
					"management.endpoints.web.exposure.include=resilience",
					"resilience.actuator.state-changes-enabled=true" })
	class WithoutChaos {

		@Autowired
		private LocalHttp http;

		@Autowired
		private ApplicationContext context;

		@Test
		void answers409NamingTheSwitch() {
			ResponseEntity<String> response = post(this.http, "stock");

			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
			assertThat(response.getBody()).contains("resilience.chaos.enabled");
			assertThat(this.context.getBeanNamesForType(ChaosRegistry.class)).isEmpty();
		}

		@Test
		void resilienceEndpointHasNoChaosSection() {
			assertThat(this.http.getForObject("/actuator/resilience", String.class)).doesNotContain("\"chaos\"");
		}

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
		public int count() {
			return 3;
		}

	}

}
