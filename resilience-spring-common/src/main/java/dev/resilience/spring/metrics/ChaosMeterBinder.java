package dev.resilience.spring.metrics;

import java.util.Objects;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.resilience.chaos.Chaos;
import dev.resilience.chaos.ChaosFault;
import dev.resilience.chaos.ChaosListener;
import dev.resilience.chaos.ChaosRegistry;

/**
 * {@code resilience.chaos.injections} ({@code resilience_chaos_injections_total} in
 * Prometheus), tags {@code name} and {@code kind} = {@code error} | {@code latency}: one
 * counter per chaos instance and kind, reading the counts the engine keeps, so it costs
 * nothing per call. Instances that exist when it is bound get their counters then, at 0;
 * an instance created later gets them at its first injection.
 * <p>
 * Thread-safe. May be bound to several meter registries.
 */
public class ChaosMeterBinder implements MeterBinder {

	static final String INJECTIONS = "resilience.chaos.injections";

	private final ChaosRegistry registry;

	public ChaosMeterBinder(ChaosRegistry registry) {
		this.registry = Objects.requireNonNull(registry, "registry");
	}

	@Override
	public void bindTo(MeterRegistry meterRegistry) {
		this.registry.getAll().forEach((chaos) -> register(meterRegistry, chaos));
		this.registry.addListener(new LateInstances(meterRegistry));
	}

	private static void register(MeterRegistry meterRegistry, Chaos chaos) {
		FunctionCounter.builder(INJECTIONS, chaos, (instance) -> instance.getMetrics().getNumberOfInjectedErrors())
			.description("Faults injected by chaos, by kind")
			.tag("name", chaos.getName())
			.tag("kind", "error")
			.register(meterRegistry);
		FunctionCounter.builder(INJECTIONS, chaos, (instance) -> instance.getMetrics().getNumberOfInjectedLatencies())
			.description("Faults injected by chaos, by kind")
			.tag("name", chaos.getName())
			.tag("kind", "latency")
			.register(meterRegistry);
	}

	/**
	 * Registers the counters of an instance created after binding, at its injection;
	 * registering again returns the existing meters.
	 */
	private record LateInstances(MeterRegistry meterRegistry) implements ChaosListener {

		@Override
		public void onInjection(Chaos chaos, ChaosFault fault) {
			register(this.meterRegistry, chaos);
		}

	}

}
