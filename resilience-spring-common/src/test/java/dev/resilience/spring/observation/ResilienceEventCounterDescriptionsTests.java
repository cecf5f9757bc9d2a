package dev.resilience.spring.observation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The counters Micrometer's meter observation handler makes of the starter's events get a
 * description (an empty Prometheus HELP line fails promtool); every other meter is left
 * as it is.
 */
class ResilienceEventCounterDescriptionsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	ResilienceEventCounterDescriptionsTests() {
		this.registry.config().meterFilter(new ResilienceEventCounterDescriptions());
	}

	@Test
	void anEventCounterWithoutADescriptionGetsOneNamingTheEventAndTheObservation() {
		Counter counter = Counter.builder("http.server.requests.resilience.retry")
			.tag("uri", "/orders")
			.register(this.registry);

		assertThat(counter.getId().getDescription())
			.isEqualTo("Events resilience.retry of the resilience starter on http.server.requests observations");
		assertThat(counter.getId().getTag("uri")).isEqualTo("/orders");
	}

	@Test
	void otherMetersAndDescribedOnesPassUnchanged() {
		Counter described = Counter.builder("http.server.requests.resilience.retry.other")
			.description("own")
			.register(this.registry);
		Counter unrelated = Counter.builder("orders.placed").register(this.registry);
		Counter ours = Counter.builder("resilience.retry.calls").register(this.registry);
		Timer timer = Timer.builder("http.server.requests.resilience.timer").register(this.registry);

		assertThat(described.getId().getDescription()).isEqualTo("own");
		assertThat(unrelated.getId().getDescription()).isNull();
		assertThat(ours.getId().getDescription()).isNull();
		assertThat(timer.getId().getDescription()).isNull();
	}

}
