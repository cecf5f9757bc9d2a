package dev.resilience.chaos;

import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * The named {@link Chaos} instances of an application: one per name, created on first use
 * with the configuration {@code configs} gives its name, and every listener added here
 * attached to each of them, those created later included.
 * <p>
 * Thread-safe. Looking an instance up by name is for wiring and management, never for the
 * call path: a pipeline holds its instances directly.
 */
public final class ChaosRegistry {

	private final ConcurrentMap<String, Chaos> instances = new ConcurrentHashMap<>();

	private final Function<String, ChaosConfig> configs;

	private final Scheduler scheduler;

	private final ContextPropagator propagator;

	private final DoubleSupplier random;

	private final CopyOnWriteArrayList<ChaosListener> listeners = new CopyOnWriteArrayList<>();

	/**
	 * @param configs the initial configuration of each name ({@link ChaosConfig#none()}
	 * for a name without faults)
	 * @param scheduler waits out injected latency
	 * @param propagator carries the caller's context to a delayed asynchronous call
	 * @param random numbers in {@code [0, 1)} for the rolls of every instance
	 */
	public ChaosRegistry(Function<String, ChaosConfig> configs, Scheduler scheduler, ContextPropagator propagator,
			DoubleSupplier random) {
		this.configs = requireNonNull(configs, "configs");
		this.scheduler = requireNonNull(scheduler, "scheduler");
		this.propagator = requireNonNull(propagator, "propagator");
		this.random = requireNonNull(random, "random");
	}

	/** The instance named {@code name}, created if it does not exist yet. */
	public Chaos chaos(String name) {
		requireNonNull(name, "name");
		return this.instances.computeIfAbsent(name, this::create);
	}

	/** The instance named {@code name}, if one was created; never creates one. */
	public Optional<Chaos> find(String name) {
		return Optional.ofNullable(this.instances.get(requireNonNull(name, "name")));
	}

	/** Every instance created so far. */
	public Collection<Chaos> getAll() {
		return Collections.unmodifiableCollection(this.instances.values());
	}

	/** Attaches {@code listener} to every instance, present and future. */
	public void addListener(ChaosListener listener) {
		requireNonNull(listener, "listener");
		if (this.listeners.addIfAbsent(listener)) {
			this.instances.values().forEach((chaos) -> chaos.addListener(listener));
		}
	}

	private Chaos create(String name) {
		ChaosConfig config = requireNonNull(this.configs.apply(name), "config of " + name);
		Chaos chaos = Chaos.of(name, config, this.scheduler, this.propagator, this.random);
		this.listeners.forEach(chaos::addListener);
		return chaos;
	}

}
