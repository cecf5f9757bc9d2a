package dev.resilience.spring.bulkhead;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.resilience.ResilienceRegistry;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.bulkhead.LimitAlgorithm;
import dev.resilience.spring.actuate.ResilienceEndpoint;
import dev.resilience.spring.actuate.ResilienceHealth;
import dev.resilience.spring.metrics.ResilienceMeterBinder;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limit of bulkheads as health, the actuator endpoint and the
 * {@code resilience.bulkhead.limit} gauge show it: an adaptive bulkhead's current limit,
 * followed as it moves, and the configured maximum of the other kinds.
 */
class AdaptiveBulkheadObservabilityTests {

	private final AtomicInteger algorithmLimit = new AtomicInteger(12);

	private final ResilienceRegistry registry = ResilienceRegistry.builder()
		.ticker(new FakeTicker())
		.bulkheadConfigs((name) -> switch (name) {
			case "adaptive" -> BulkheadConfig.custom()
				.type(BulkheadConfig.Type.ADAPTIVE)
				.algorithm(BulkheadConfig.Algorithm.VEGAS)
				.minLimit(2)
				.maxLimit(40)
				.initialLimit(12)
				.maxWaitDuration(Duration.ofMillis(5))
				.build();
			case "pool" -> BulkheadConfig.custom().type(BulkheadConfig.Type.THREAD_POOL).coreSize(1).maxSize(6).build();
			default -> BulkheadConfig.custom().maxConcurrentCalls(3).build();
		})
		.limitAlgorithms((name, config) -> new LimitAlgorithm() {

			@Override
			public int getLimit() {
				return AdaptiveBulkheadObservabilityTests.this.algorithmLimit.get();
			}

			@Override
			public void onSample(long startNanos, long rttNanos, int inFlight, boolean dropped) {
			}

		})
		.build();

	private final MeterRegistry meters = new SimpleMeterRegistry();

	@Test
	void limitGaugeFollowsTheAdaptiveLimitAndShowsTheMaximumOfTheOtherKinds() {
		this.registry.bulkhead("adaptive");
		this.registry.bulkhead("fixed");
		this.registry.bulkhead("pool");
		new ResilienceMeterBinder(this.registry).bindTo(this.meters);
		assertThat(limitGauge("adaptive")).isEqualTo(12.0);
		assertThat(limitGauge("fixed")).isEqualTo(3.0);
		assertThat(limitGauge("pool")).isEqualTo(6.0);
		this.algorithmLimit.set(7);
		assertThat(limitGauge("adaptive")).isEqualTo(7.0);
		this.algorithmLimit.set(1000);
		assertThat(limitGauge("adaptive")).as("kept at max-limit").isEqualTo(40.0);
		this.registry.close();
	}

	@Test
	void healthShowsTheCurrentLimitAndTheCallsAvailableUnderIt() {
		Bulkhead adaptive = this.registry.bulkhead("adaptive");
		this.registry.bulkhead("fixed");
		adaptive.acquireCallPermit();
		this.algorithmLimit.set(5);
		Map<String, Object> details = ResilienceHealth.bulkheads(this.registry);
		assertThat(details.get("adaptive"))
			.isEqualTo(Map.of("availableConcurrentCalls", 4, "maxConcurrentCalls", 5, "limit", 5));
		assertThat(details.get("fixed"))
			.isEqualTo(Map.of("availableConcurrentCalls", 3, "maxConcurrentCalls", 3, "limit", 3));
	}

	@Test
	void endpointShowsTheLimitAndTheAdaptiveConfiguration() {
		this.registry.bulkhead("adaptive");
		this.algorithmLimit.set(9);
		ResilienceEndpoint.BulkheadDescriptor descriptor = new ResilienceEndpoint(this.registry, false).resilience()
			.bulkheads()
			.get("adaptive");
		assertThat(descriptor.type()).isEqualTo("adaptive");
		assertThat(descriptor.limit()).isEqualTo(9);
		assertThat(descriptor.config()).containsEntry("algorithm", "vegas")
			.containsEntry("min-limit", 2)
			.containsEntry("max-limit", 40)
			.containsEntry("initial-limit", 12)
			.containsEntry("max-wait-duration", "5ms")
			.doesNotContainKey("max-concurrent-calls");
	}

	private double limitGauge(String name) {
		return this.meters.get("resilience.bulkhead.limit").tag("name", name).gauge().value();
	}

}
