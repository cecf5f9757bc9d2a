package dev.resilience.spring.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.spring.testsupport.BootLine;
import dev.resilience.spring.testsupport.WithMetricsExport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user who asks Boot for a histogram of the breaker's call timer gets one, with its
 * {@code _max} series: the call timers are then recorded on every call instead of read
 * from the breaker's totals (the default, checked in {@code ActuatorOverHttpTests}, has
 * neither).
 */
@SpringBootTest(classes = CallTimerHistogramTests.TestApplication.class,
		properties = { "spring.autoconfigure.exclude=" + BootLine.SECURITY, "management.health.redis.enabled=false",
				"management.metrics.distribution.percentiles-histogram.resilience.circuitbreaker.calls=true" })
@WithMetricsExport
class CallTimerHistogramTests {

	@Autowired
	private PrometheusMeterRegistry prometheus;

	@Autowired
	private Priced priced;

	@Test
	void percentilesHistogramPropertyGivesBucketsAndMax() {
		this.priced.price(1);
		this.priced.price(2);
		String scrape = this.prometheus.scrape();
		assertThat(scrape)
			.contains("resilience_circuitbreaker_calls_seconds_count{name=\"priced\",outcome=\"success\"} 2\n")
			.containsPattern(
					"resilience_circuitbreaker_calls_seconds_bucket\\{name=\"priced\",outcome=\"success\",le=\"\\+Inf\"} 2\n")
			.containsPattern("resilience_circuitbreaker_calls_seconds_max\\{name=\"priced\",outcome=\"success\"} ");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		Priced priced() {
			return new Priced();
		}

	}

	static class Priced {

		@CircuitBreaker(name = "priced")
		public int price(int item) {
			return item * 10;
		}

	}

}
