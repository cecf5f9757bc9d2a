package dev.resilience;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.bulkhead.LimitAlgorithm;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.hedge.Hedge;
import dev.resilience.hedge.HedgeConfig;
import dev.resilience.idempotency.Idempotency;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.internal.ListenerList;
import dev.resilience.ratelimiter.PermitStore;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.retry.Retry;
import dev.resilience.retry.RetryConfig;
import dev.resilience.timeout.Timeout;
import dev.resilience.timeout.TimeoutConfig;

import static dev.resilience.internal.Requirements.requireArgument;
import static dev.resilience.internal.Requirements.requireNonNull;

// Over 300 lines: for each of the eight kinds of instance a creator, a getter, a
// configuration function and a builder setter, plus the public nested Builder and
// RegistryListener that callers name through this class. The creation itself is written
// once (getOrCreate), and the idempotency instances live in IdempotencyInstances.
/**
 * The named instances of an application: one circuit breaker, retry and bulkhead per
 * name, created on first request from the configuration the builder was given for that
 * name, then shared by every method and lambda that names it. A bulkhead is of the kind
 * its name's configuration names (semaphore, thread-pool or adaptive); both are a
 * {@link Bulkhead}. Idempotency instances are kept by name and namespace: one per name
 * whose records share the name's namespace, and one per namespace within a name where
 * records must be kept apart (a default-named method's), all of a name configured alike.
 * All instances share one {@link Ticker}, one {@link Scheduler} and one
 * {@link ContextPropagator}; idempotency instances share one {@link IdempotencyStore} and
 * one executor for their asynchronous store operations.
 * <p>
 * Thread-safe. Lookups by name happen when a pipeline is built, never per call.
 */
public final class ResilienceRegistry implements AutoCloseable {

	private static final System.Logger logger = System.getLogger("dev.resilience");

	private final Ticker ticker;

	private final Scheduler scheduler;

	private final ContextPropagator contextPropagator;

	private final Function<String, CircuitBreakerConfig> circuitBreakerConfigs;

	private final Function<String, RetryConfig> retryConfigs;

	private final Function<String, BulkheadConfig> bulkheadConfigs;

	private final LimitAlgorithm.Factory limitAlgorithms;

	private final Function<String, RateLimiterConfig> rateLimiterConfigs;

	private final PermitStore permitStore;

	private final Function<String, TimeoutConfig> timeoutConfigs;

	private final Function<String, HedgeConfig> hedgeConfigs;

	private final IdempotencyInstances idempotencyInstances;

	private final Map<String, CircuitBreaker> circuitBreakers = new ConcurrentHashMap<>();

	private final Map<String, Retry> retries = new ConcurrentHashMap<>();

	private final Map<String, Bulkhead> bulkheads = new ConcurrentHashMap<>();

	private final Map<String, RateLimiter> rateLimiters = new ConcurrentHashMap<>();

	private final Map<String, Timeout> timeouts = new ConcurrentHashMap<>();

	private final Map<String, Hedge> hedges = new ConcurrentHashMap<>();

	private final Map<IdempotencyInstances.Key, Idempotency> idempotencies = new ConcurrentHashMap<>();

	private final ListenerList<RegistryListener> listeners = new ListenerList<>(logger, "ResilienceRegistry");

	/**
	 * Guards creation and listener registration. Not a monitor: configuration functions
	 * and listeners (user code, possibly blocking) run while it is held.
	 */
	private final ReentrantLock lock = new ReentrantLock();

	private ResilienceRegistry(Builder builder) {
		this.ticker = builder.ticker;
		this.scheduler = builder.scheduler;
		this.contextPropagator = builder.contextPropagator;
		this.circuitBreakerConfigs = builder.circuitBreakerConfigs;
		this.retryConfigs = builder.retryConfigs;
		this.bulkheadConfigs = builder.bulkheadConfigs;
		this.limitAlgorithms = builder.limitAlgorithms;
		this.rateLimiterConfigs = builder.rateLimiterConfigs;
		this.permitStore = builder.permitStore;
		this.timeoutConfigs = builder.timeoutConfigs;
		this.hedgeConfigs = builder.hedgeConfigs;
		Supplier<? extends IdempotencyStore> store = (builder.idempotencyStore != null) ? builder.idempotencyStore
				: () -> new MemoryIdempotencyStore(MemoryIdempotencyStore.DEFAULT_MAXIMUM_SIZE, this.ticker);
		this.idempotencyInstances = new IdempotencyInstances(builder.idempotencyConfigs, store,
				builder.idempotencyIoExecutor, this.ticker, this.scheduler, this.contextPropagator);
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
		return getOrCreate(this.circuitBreakers, requireName(name),
				(key) -> CircuitBreaker.of(key, this.circuitBreakerConfigs.apply(key), this.ticker),
				RegistryListener::onCircuitBreakerAdded);
	}

	public Retry retry(String name) {
		return getOrCreate(this.retries, requireName(name), (key) -> Retry.of(key, this.retryConfigs.apply(key),
				this.ticker, this.scheduler, this.contextPropagator), RegistryListener::onRetryAdded);
	}

	/**
	 * The rate limiter named {@code name}, created on first request; one of cluster scope
	 * draws its permits from the registry's {@link PermitStore}.
	 */
	public RateLimiter rateLimiter(String name) {
		return getOrCreate(
				this.rateLimiters, requireName(name), (key) -> RateLimiter.of(key, this.rateLimiterConfigs.apply(key),
						this.permitStore, this.ticker, this.scheduler, this.contextPropagator),
				RegistryListener::onRateLimiterAdded);
	}

	/** The timeout named {@code name}, created on first request. */
	public Timeout timeout(String name) {
		return getOrCreate(this.timeouts, requireName(name),
				(key) -> Timeout.of(key, this.timeoutConfigs.apply(key), this.ticker, this.scheduler),
				RegistryListener::onTimeoutAdded);
	}

	/**
	 * The hedge named {@code name}, created on first request; it sends hedges from the
	 * registry's scheduler in the caller's context, carried by the registry's
	 * {@link ContextPropagator}.
	 */
	public Hedge hedge(String name) {
		return getOrCreate(this.hedges, requireName(name), (key) -> Hedge.of(key, this.hedgeConfigs.apply(key),
				this.ticker, this.scheduler, this.contextPropagator), RegistryListener::onHedgeAdded);
	}

	/**
	 * The bulkhead named {@code name}, created on first request of the kind its
	 * configuration names: a semaphore bulkhead, or a thread-pool one (which carries the
	 * registry's {@link ContextPropagator} to its threads and runs only asynchronous
	 * calls).
	 */
	public Bulkhead bulkhead(String name) {
		return getOrCreate(this.bulkheads, requireName(name), (key) -> Bulkhead.of(key, this.bulkheadConfigs.apply(key),
				this.contextPropagator, this.ticker, this.limitAlgorithms), RegistryListener::onBulkheadAdded);
	}

	/**
	 * The idempotency instance named {@code name} whose records are namespaced by the
	 * name alone, created on first request; every caller naming it shares its records.
	 */
	public Idempotency idempotency(String name) {
		return idempotency(name, null);
	}

	/**
	 * The idempotency instance of {@code name} whose records are kept apart from every
	 * other instance's under {@code namespace} (such as one method's under a default
	 * name: its class, name and parameter types), created on first request. It has the
	 * configuration of {@code name}, which stays its name in metrics and exceptions.
	 * @param namespace {@code null} for the instance of {@link #idempotency(String)}
	 * @see Idempotency.Builder#namespace(String)
	 */
	public Idempotency idempotency(String name, String namespace) {
		requireName(name);
		if (namespace != null) {
			requireArgument(!namespace.isBlank(), "namespace must not be blank");
		}
		return getOrCreate(this.idempotencies, new IdempotencyInstances.Key(name, namespace),
				this.idempotencyInstances::create, RegistryListener::onIdempotencyAdded);
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

	/** Every bulkhead, of either kind. */
	public Collection<Bulkhead> getBulkheads() {
		return List.copyOf(this.bulkheads.values());
	}

	public Collection<RateLimiter> getRateLimiters() {
		return List.copyOf(this.rateLimiters.values());
	}

	public Collection<Timeout> getTimeouts() {
		return List.copyOf(this.timeouts.values());
	}

	public Collection<Hedge> getHedges() {
		return List.copyOf(this.hedges.values());
	}

	/** Every idempotency instance, of every name and namespace. */
	public Collection<Idempotency> getIdempotencies() {
		return List.copyOf(this.idempotencies.values());
	}

	/** The idempotency instances of {@code name}, of any namespace; never creates one. */
	public List<Idempotency> findIdempotencies(String name) {
		return this.idempotencies.values()
			.stream()
			.filter((idempotency) -> idempotency.getName().equals(name))
			.toList();
	}

	/**
	 * Registers {@code listener} and tells it at once of every instance that already
	 * exists, so it sees each instance exactly once whenever it registers; a listener
	 * already registered is left as it is and told nothing again. Listeners follow the
	 * rule of {@link ListenerList}: one that throws is logged and changes neither the
	 * creation nor the other listeners.
	 */
	public void addListener(RegistryListener listener) {
		requireNonNull(listener, "listener");
		this.lock.lock();
		try {
			int registered = this.listeners.size();
			this.listeners.add(listener);
			if (this.listeners.size() == registered) {
				return;
			}
			// Only the new listener hears of the existing instances, under the same rule.
			ListenerList<RegistryListener> replay = new ListenerList<>(logger, "ResilienceRegistry");
			replay.add(listener);
			this.circuitBreakers.values()
				.forEach((breaker) -> replay.fire(RegistryListener::onCircuitBreakerAdded, breaker));
			this.retries.values().forEach((retry) -> replay.fire(RegistryListener::onRetryAdded, retry));
			this.rateLimiters.values()
				.forEach((rateLimiter) -> replay.fire(RegistryListener::onRateLimiterAdded, rateLimiter));
			this.timeouts.values().forEach((timeout) -> replay.fire(RegistryListener::onTimeoutAdded, timeout));
			this.hedges.values().forEach((hedge) -> replay.fire(RegistryListener::onHedgeAdded, hedge));
			this.bulkheads.values().forEach((bulkhead) -> replay.fire(RegistryListener::onBulkheadAdded, bulkhead));
			this.idempotencies.values()
				.forEach((idempotency) -> replay.fire(RegistryListener::onIdempotencyAdded, idempotency));
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Unregisters {@code listener}; instances created afterwards are not announced to it.
	 */
	public void removeListener(RegistryListener listener) {
		this.lock.lock();
		try {
			this.listeners.remove(listener);
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

	/**
	 * Closes every bulkhead (stopping the threads of the thread-pool ones), and stops the
	 * threads of the idempotency I/O pool if the registry made it (an executor given to
	 * the builder stays its owner's to stop).
	 */
	@Override
	public void close() {
		this.bulkheads.values().forEach(Bulkhead::close);
		this.lock.lock();
		try {
			this.idempotencyInstances.close();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Creation and listener registration share one lock, so a listener registering while
	 * an instance is created sees it exactly once; lookups of existing instances take no
	 * lock.
	 */
	private <K, T> T getOrCreate(Map<K, T> instances, K key, Function<K, T> factory,
			BiConsumer<RegistryListener, T> announcement) {
		T existing = instances.get(key);
		if (existing != null) {
			return existing;
		}
		this.lock.lock();
		try {
			existing = instances.get(key);
			if (existing != null) {
				return existing;
			}
			T created = factory.apply(key);
			instances.put(key, created);
			this.listeners.fire(announcement, created);
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

	/**
	 * Told when an instance is created; runs under the registry's creation of that
	 * instance.
	 */
	public interface RegistryListener {

		default void onCircuitBreakerAdded(CircuitBreaker circuitBreaker) {
		}

		default void onRetryAdded(Retry retry) {
		}

		default void onRateLimiterAdded(RateLimiter rateLimiter) {
		}

		default void onTimeoutAdded(Timeout timeout) {
		}

		default void onHedgeAdded(Hedge hedge) {
		}

		/** A bulkhead of either kind was created. */
		default void onBulkheadAdded(Bulkhead bulkhead) {
		}

		default void onIdempotencyAdded(Idempotency idempotency) {
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

		private LimitAlgorithm.Factory limitAlgorithms;

		private PermitStore permitStore;

		private Function<String, RateLimiterConfig> rateLimiterConfigs = (name) -> RateLimiterConfig.ofDefaults();

		private Function<String, TimeoutConfig> timeoutConfigs = (name) -> TimeoutConfig.ofDefaults();

		private Function<String, HedgeConfig> hedgeConfigs = (name) -> HedgeConfig.ofDefaults();

		private Function<String, IdempotencyConfig> idempotencyConfigs = (name) -> IdempotencyConfig.ofDefaults();

		private Supplier<? extends IdempotencyStore> idempotencyStore;

		private Executor idempotencyIoExecutor;

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

		/**
		 * Creates the algorithm of each adaptive bulkhead. Without one, a name configured
		 * as adaptive fails when its bulkhead is created.
		 */
		public Builder limitAlgorithms(LimitAlgorithm.Factory limitAlgorithms) {
			this.limitAlgorithms = requireNonNull(limitAlgorithms, "limitAlgorithms");
			return this;
		}

		public Builder rateLimiterConfigs(Function<String, RateLimiterConfig> configs) {
			this.rateLimiterConfigs = requireNonNull(configs, "rateLimiterConfigs");
			return this;
		}

		/**
		 * The store of the rate limiters of cluster scope; without one, creating such a
		 * limiter fails.
		 */
		public Builder permitStore(PermitStore permitStore) {
			this.permitStore = requireNonNull(permitStore, "permitStore");
			return this;
		}

		public Builder timeoutConfigs(Function<String, TimeoutConfig> configs) {
			this.timeoutConfigs = requireNonNull(configs, "timeoutConfigs");
			return this;
		}

		public Builder hedgeConfigs(Function<String, HedgeConfig> configs) {
			this.hedgeConfigs = requireNonNull(configs, "hedgeConfigs");
			return this;
		}

		/**
		 * Configuration for each idempotency name; called once per name and namespace.
		 */
		public Builder idempotencyConfigs(Function<String, IdempotencyConfig> configs) {
			this.idempotencyConfigs = requireNonNull(configs, "idempotencyConfigs");
			return this;
		}

		/**
		 * Where every idempotency instance keeps its records. Default: an in-memory
		 * store, bounded by its defaults and timed by the registry's ticker.
		 */
		public Builder idempotencyStore(IdempotencyStore store) {
			requireNonNull(store, "idempotencyStore");
			return idempotencyStore(() -> store);
		}

		/**
		 * Like {@link #idempotencyStore(IdempotencyStore)}, for a store that cannot exist
		 * before the registry (one timed by its ticker, or protected by its breakers):
		 * asked for once, when the first idempotency instance is created.
		 */
		public Builder idempotencyStore(Supplier<? extends IdempotencyStore> store) {
			this.idempotencyStore = requireNonNull(store, "idempotencyStore");
			return this;
		}

		/**
		 * Runs the store operations of asynchronous idempotent calls and lease renewals.
		 * Default: a small pool of the registry's own
		 * ({@link Idempotency#newIoExecutor()}), made with the first idempotency instance
		 * and shut down by {@link ResilienceRegistry#close()}.
		 */
		public Builder idempotencyIoExecutor(Executor executor) {
			this.idempotencyIoExecutor = requireNonNull(executor, "idempotencyIoExecutor");
			return this;
		}

		public ResilienceRegistry build() {
			return new ResilienceRegistry(this);
		}

	}

}
