package dev.resilience;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Function;

import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.bulkhead.ThreadPoolBulkhead;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryConfig;

import static dev.resilience.internal.Requirements.requireArgument;
import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * The named instances of an application: one circuit breaker, retry and bulkhead per name, created
 * on first request from the configuration the builder was given for that name, then shared by
 * every method and lambda that names it. All instances share one {@link Ticker}, one
 * {@link Scheduler} and one {@link ContextPropagator}.
 * <p>
 * Thread-safe. Lookups by name happen when a pipeline is built, never per call.
 */
public final class ResilienceRegistry implements AutoCloseable {

	private final Ticker ticker;

	private final Scheduler scheduler;

	private final ContextPropagator contextPropagator;

	private final Function<String, CircuitBreakerConfig> circuitBreakerConfigs;

	private final Function<String, RetryConfig> retryConfigs;

	private final Function<String, BulkheadConfig> bulkheadConfigs;

	private final Map<String, CircuitBreaker> circuitBreakers = new ConcurrentHashMap<>();

	private final Map<String, Retry> retries = new ConcurrentHashMap<>();

	private final Map<String, Bulkhead> bulkheads = new ConcurrentHashMap<>();

	private final Map<String, ThreadPoolBulkhead> threadPoolBulkheads = new ConcurrentHashMap<>();

	private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Guards creation and listener registration. Not a monitor: configuration functions and
	 * listeners (user code, possibly blocking) run while it is held.
	 */
	private final ReentrantLock lock = new ReentrantLock();

	private ResilienceRegistry(Builder builder) {
		this.ticker = builder.ticker;
		this.scheduler = builder.scheduler;
		this.contextPropagator = builder.contextPropagator;
		this.circuitBreakerConfigs = builder.circuitBreakerConfigs;
		this.retryConfigs = builder.retryConfigs;
		this.bulkheadConfigs = builder.bulkheadConfigs;
	}

	/** A registry where every instance has the default configuration. */
	public static ResilienceRegistry ofDefaults() {
		return builder().build();
	}

	public static Builder builder() {
		return new Builder();
	}

	/** The breaker named {@code name}, created on first request. */
	public CircuitBreaker circuitBreaker(String name) {
		return getOrCreate(this.circuitBreakers, name,
				(key) -> CircuitBreaker.of(key, this.circuitBreakerConfigs.apply(key), this.ticker),
				RegistryListener::onCircuitBreakerAdded);
	}

	public Retry retry(String name) {
		return getOrCreate(this.retries, name, (key) -> Retry.of(key, this.retryConfigs.apply(key), this.ticker,
				this.scheduler, this.contextPropagator), RegistryListener::onRetryAdded);
	}

	/**
	 * The semaphore bulkhead named {@code name}.
	 * @throws IllegalStateException if {@code name} is configured as a thread-pool bulkhead
	 */
	public Bulkhead bulkhead(String name) {
		return getOrCreate(this.bulkheads, name, (key) -> {
			BulkheadConfig config = this.bulkheadConfigs.apply(key);
			if (config.getType() != BulkheadConfig.Type.SEMAPHORE) {
				throw new IllegalStateException("Bulkhead '" + key + "' is configured as " + config.getType()
						+ "; ask for threadPoolBulkhead(\"" + key + "\")");
			}
			return Bulkhead.of(key, config);
		}, RegistryListener::onBulkheadAdded);
	}

	/**
	 * The thread-pool bulkhead named {@code name}.
	 * @throws IllegalStateException if {@code name} is configured as a semaphore bulkhead
	 */
	public ThreadPoolBulkhead threadPoolBulkhead(String name) {
		return getOrCreate(this.threadPoolBulkheads, name, (key) -> {
			BulkheadConfig config = this.bulkheadConfigs.apply(key);
			if (config.getType() != BulkheadConfig.Type.THREAD_POOL) {
				throw new IllegalStateException("Bulkhead '" + key + "' is configured as " + config.getType()
						+ "; ask for bulkhead(\"" + key + "\")");
			}
			return ThreadPoolBulkhead.of(key, config, this.contextPropagator);
		}, RegistryListener::onThreadPoolBulkheadAdded);
	}

	/** Configuration that the bulkhead named {@code name} has or would have. */
	public BulkheadConfig bulkheadConfig(String name) {
		return this.bulkheadConfigs.apply(requireName(name));
	}

	/** The breaker named {@code name} if it exists; never creates one. */
	public Optional<CircuitBreaker> findCircuitBreaker(String name) {
		return Optional.ofNullable(this.circuitBreakers.get(name));
	}

	public Collection<CircuitBreaker> getCircuitBreakers() {
		return List.copyOf(this.circuitBreakers.values());
	}

	public Collection<Retry> getRetries() {
		return List.copyOf(this.retries.values());
	}

	public Collection<Bulkhead> getBulkheads() {
		return List.copyOf(this.bulkheads.values());
	}

	public Collection<ThreadPoolBulkhead> getThreadPoolBulkheads() {
		return List.copyOf(this.threadPoolBulkheads.values());
	}

	/**
	 * Registers {@code listener} and tells it at once of every instance that already exists, so
	 * it sees each instance exactly once whenever it registers.
	 */
	public void addListener(RegistryListener listener) {
		requireNonNull(listener, "listener");
		this.lock.lock();
		try {
			this.listeners.add(listener);
			this.circuitBreakers.values().forEach(listener::onCircuitBreakerAdded);
			this.retries.values().forEach(listener::onRetryAdded);
			this.bulkheads.values().forEach(listener::onBulkheadAdded);
			this.threadPoolBulkheads.values().forEach(listener::onThreadPoolBulkheadAdded);
		}
		finally {
			this.lock.unlock();
		}
	}

	public Ticker getTicker() {
		return this.ticker;
	}

	public Scheduler getScheduler() {
		return this.scheduler;
	}

	public ContextPropagator getContextPropagator() {
		return this.contextPropagator;
	}

	/** Stops the threads of every thread-pool bulkhead. */
	@Override
	public void close() {
		this.threadPoolBulkheads.values().forEach(ThreadPoolBulkhead::close);
	}

	/**
	 * Creation and listener registration share one lock, so a listener registering while an
	 * instance is created sees it exactly once; lookups of existing instances take no lock.
	 */
	private <T> T getOrCreate(Map<String, T> instances, String name, Function<String, T> factory,
			BiConsumer<RegistryListener, T> announcement) {
		T existing = instances.get(requireName(name));
		if (existing != null) {
			return existing;
		}
		this.lock.lock();
		try {
			existing = instances.get(name);
			if (existing != null) {
				return existing;
			}
			T created = factory.apply(name);
			instances.put(name, created);
			this.listeners.forEach((listener) -> announcement.accept(listener, created));
			return created;
		}
		finally {
			this.lock.unlock();
		}
	}

	private static String requireName(String name) {
		requireNonNull(name, "name");
		requireArgument(!name.isBlank(), "name must not be blank");
		return name;
	}

	/** Told when an instance is created; runs under the registry's creation of that instance. */
	public interface RegistryListener {

		default void onCircuitBreakerAdded(CircuitBreaker circuitBreaker) {
		}

		default void onRetryAdded(Retry retry) {
		}

		default void onBulkheadAdded(Bulkhead bulkhead) {
		}

		default void onThreadPoolBulkheadAdded(ThreadPoolBulkhead bulkhead) {
		}

	}

	/** Builder; unset configurations default to the engine's defaults for every name. */
	public static final class Builder {

		private Ticker ticker = Ticker.system();

		private Scheduler scheduler = Scheduler.system();

		private ContextPropagator contextPropagator = ContextPropagator.NONE;

		private Function<String, CircuitBreakerConfig> circuitBreakerConfigs = (name) -> CircuitBreakerConfig
			.ofDefaults();

		private Function<String, RetryConfig> retryConfigs = (name) -> RetryConfig.ofDefaults();

		private Function<String, BulkheadConfig> bulkheadConfigs = (name) -> BulkheadConfig.ofDefaults();

		private Builder() {
		}

		public Builder ticker(Ticker ticker) {
			this.ticker = requireNonNull(ticker, "ticker");
			return this;
		}

		public Builder scheduler(Scheduler scheduler) {
			this.scheduler = requireNonNull(scheduler, "scheduler");
			return this;
		}

		public Builder contextPropagator(ContextPropagator contextPropagator) {
			this.contextPropagator = requireNonNull(contextPropagator, "contextPropagator");
			return this;
		}

		/** Configuration for each breaker name; called once per name. */
		public Builder circuitBreakerConfigs(Function<String, CircuitBreakerConfig> configs) {
			this.circuitBreakerConfigs = requireNonNull(configs, "circuitBreakerConfigs");
			return this;
		}

		public Builder retryConfigs(Function<String, RetryConfig> configs) {
			this.retryConfigs = requireNonNull(configs, "retryConfigs");
			return this;
		}

		public Builder bulkheadConfigs(Function<String, BulkheadConfig> configs) {
			this.bulkheadConfigs = requireNonNull(configs, "bulkheadConfigs");
			return this;
		}

		public ResilienceRegistry build() {
			return new ResilienceRegistry(this);
		}

	}

}
