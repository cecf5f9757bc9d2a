package dev.resilience.spring.metrics;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.resilience.ResilienceRegistry;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.spring.actuate.ResilienceHealth;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The learned slow-call threshold as the gauge
 * {@code resilience.circuitbreaker.learned.slow.call.threshold} and the health detail
 * {@code learnedSlowCallThreshold}: only for breakers with {@code adaptive-slow-call} on,
 * -1 (or {@code null}) until learned, then the learned value.
 */
class LearnedSlowCallThresholdMetricsTests {

	private final FakeTicker ticker = new FakeTicker();

	private final ResilienceRegistry registry = ResilienceRegistry.builder()
		.ticker(this.ticker)
		.scheduler(new FakeScheduler(this.ticker))
		.circuitBreakerConfigs((name) -> CircuitBreakerConfig.custom()
			.slidingWindowSize(10)
			.minimumNumberOfCalls(10)
			.adaptiveSlowCallEnabled(name.equals("adaptive"))
			.adaptiveSlowCallMinThreshold(Duration.ofMillis(10))
			.build())
		.build();

	private final MeterRegistry meters = new SimpleMeterRegistry();

	@Test
	void gaugeAndHealthDetailExistOnlyForBreakersThatLearnAndFollowTheLearnedValue() {
		CircuitBreaker adaptive = this.registry.circuitBreaker("adaptive");
		this.registry.circuitBreaker("fixed");
		new ResilienceMeterBinder(this.registry).bindTo(this.meters);
		assertThat(this.meters.find("resilience.circuitbreaker.learned.slow.call.threshold").gauges()).singleElement()
			.satisfies((gauge) -> assertThat(gauge.getId().getTag("name")).isEqualTo("adaptive"))
			.satisfies((gauge) -> assertThat(gauge.getId().getBaseUnit()).isEqualTo("seconds"));
		assertThat(gauge().value()).isEqualTo(-1.0);
		Map<String, Object> health = ResilienceHealth.circuitBreakers(this.registry);
		assertThat(detail(health, "adaptive")).containsEntry("learnedSlowCallThreshold", null);
		assertThat(detail(health, "fixed")).doesNotContainKey("learnedSlowCallThreshold");

		for (int i = 0; i < 10; i++) {
			adaptive.acquirePermission();
			adaptive.onSuccess(Duration.ofMillis(20).toNanos());
		}
		// 3 x 20ms, the quantile read within 1/16 above its value.
		assertThat(gauge().value()).isBetween(0.060, 0.064);
		assertThat(detail(ResilienceHealth.circuitBreakers(this.registry), "adaptive"))
			.containsEntry("learnedSlowCallThreshold", "63ms");
	}

	private Gauge gauge() {
		return this.meters.get("resilience.circuitbreaker.learned.slow.call.threshold").tag("name", "adaptive").gauge();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> detail(Map<String, Object> details, String name) {
		return (Map<String, Object>) details.get(name);
	}

}
