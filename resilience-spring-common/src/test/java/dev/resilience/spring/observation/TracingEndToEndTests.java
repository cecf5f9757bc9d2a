package dev.resilience.spring.observation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.ClassUtils;

import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceObservationAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end with Micrometer Tracing over Brave, wired by the Boot line's own observation
 * and tracing auto-configurations: the events of a retried call that ends in a fallback
 * are annotations of the finished span of the observation that was current around the
 * call, in the order they happened.
 */
class TracingEndToEndTests {

	/** Boot 3.5 keeps them in the actuator's auto-configuration, Boot 4 in modules. */
	private static final String[][] AUTO_CONFIGURATIONS = {
			{ "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
					"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" },
			{ "org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration",
					"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration" },
			{ "org.springframework.boot.actuate.autoconfigure.tracing.BraveAutoConfiguration",
					"org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration" } };

	private final List<MutableSpan> finished = new CopyOnWriteArrayList<>();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(bootLineAutoConfigurations()))
		.withConfiguration(
				AutoConfigurations.of(ResilienceAutoConfiguration.class, ResilienceObservationAutoConfiguration.class))
		.withBean(SpanHandler.class, () -> new SpanHandler() {

			@Override
			public boolean end(TraceContext context, MutableSpan span, Cause cause) {
				TracingEndToEndTests.this.finished.add(span);
				return true;
			}

		})
		.withBean(Downstream.class)
		.withBean(Prices.class)
		.withPropertyValues("management.tracing.sampling.probability=1.0",
				"resilience.retry.instances.prices.wait-duration=0ms",
				"resilience.retry.instances.prices.max-attempts=3",
				"resilience.retry.instances.prices.budget.enabled=false");

	@Test
	void retriesAndTheFallbackAreEventsOfTheFinishedSpan() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ResilienceObservationEvents.class);
			ObservationRegistry observations = context.getBean(ObservationRegistry.class);
			Prices prices = context.getBean(Prices.class);
			context.getBean(Downstream.class).failuresLeft.set(10);

			Observation observation = Observation.start("price.lookup", observations);
			try (Observation.Scope scope = observation.openScope()) {
				assertThat(prices.price()).isEqualTo(-1);
			}
			finally {
				observation.stop();
			}

			assertThat(this.finished).hasSize(1);
			MutableSpan span = this.finished.get(0);
			assertThat(span.name()).isEqualTo("price.lookup");
			assertThat(span.annotations()).extracting(Map.Entry::getValue)
				.containsExactly("resilience.retry name=prices attempt=2 exception=IllegalStateException",
						"resilience.retry name=prices attempt=3 exception=IllegalStateException",
						"resilience.fallback name=Prices.price exception=IllegalStateException");
			assertThat(span.annotations()).extracting(Map.Entry::getKey).allSatisfy((timestamp) -> {
				assertThat(timestamp).isGreaterThanOrEqualTo(span.startTimestamp());
				assertThat(timestamp).isLessThanOrEqualTo(span.finishTimestamp());
			});
		});
	}

	@Test
	void successfulCallLeavesTheSpanWithoutEvents() {
		this.runner.run((context) -> {
			ObservationRegistry observations = context.getBean(ObservationRegistry.class);
			Prices prices = context.getBean(Prices.class);

			Observation observation = Observation.start("price.lookup", observations);
			try (Observation.Scope scope = observation.openScope()) {
				assertThat(prices.price()).isEqualTo(7);
			}
			finally {
				observation.stop();
			}

			assertThat(this.finished).hasSize(1);
			assertThat(this.finished.get(0).annotations()).isEmpty();
		});
	}

	private static Class<?>[] bootLineAutoConfigurations() {
		ClassLoader classLoader = TracingEndToEndTests.class.getClassLoader();
		Class<?>[] classes = new Class<?>[AUTO_CONFIGURATIONS.length];
		for (int i = 0; i < AUTO_CONFIGURATIONS.length; i++) {
			for (String name : AUTO_CONFIGURATIONS[i]) {
				if (ClassUtils.isPresent(name, classLoader)) {
					classes[i] = ClassUtils.resolveClassName(name, classLoader);
				}
			}
			assertThat(classes[i]).as("one of %s", (Object) AUTO_CONFIGURATIONS[i]).isNotNull();
		}
		return classes;
	}

	/** The dependency, unproxied: fails while {@link #failuresLeft} is positive. */
	static class Downstream {

		final AtomicInteger failuresLeft = new AtomicInteger();

		int call() {
			if (this.failuresLeft.getAndDecrement() > 0) {
				throw new IllegalStateException("downstream failed");
			}
			return 7;
		}

	}

	static class Prices {

		private final Downstream downstream;

		Prices(Downstream downstream) {
			this.downstream = downstream;
		}

		@Retry(name = "prices")
		@Fallback(method = "priceFallback")
		public int price() {
			return this.downstream.call();
		}

		int priceFallback(IllegalStateException failure) {
			return -1;
		}

	}

}
