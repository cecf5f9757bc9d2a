package dev.resilience.spring.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the resilience starter, bound from {@code resilience.*}.
 * <p>
 * Each pattern has a {@code defaults} group, applied to every instance, and an
 * {@code instances.<name>} map whose entries override single keys; both are bound to the
 * same settings class ({@link CircuitBreakerSettings}, {@link RetrySettings},
 * {@link BulkheadSettings}, {@link RateLimiterSettings}, {@link TimeoutSettings},
 * {@link HedgeSettings}, {@link IdempotencySettings}), so each key is declared and
 * described once. An unset key (a {@code null} field) of an instance inherits the value
 * of {@code defaults}, and one unset in {@code defaults} the engine's default. Unknown
 * keys fail binding, so a typo or a key placed without its {@code instances:} or
 * {@code defaults:} level stops the application at startup.
 * {@link ResilienceConfigurations} turns these properties into the engine's immutable
 * configurations, whose builders check ranges and the rules between keys.
 * <p>
 * Mutable and not thread-safe, as every {@code @ConfigurationProperties} bean: read it
 * after binding, not while it is being bound.
 */
@ConfigurationProperties(prefix = "resilience", ignoreUnknownFields = false)
public class ResilienceProperties {

	private final CircuitBreaker circuitBreaker = new CircuitBreaker();

	private final Retry retry = new Retry();

	private final Bulkhead bulkhead = new Bulkhead();

	private final RateLimiter rateLimiter = new RateLimiter();

	private final Timeout timeout = new Timeout();

	private final Hedge hedge = new Hedge();

	private final Idempotency idempotency = new Idempotency();

	private final Health health = new Health();

	private final Actuator actuator = new Actuator();

	private final Chaos chaos = new Chaos();

	private final Observation observation = new Observation();

	public CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Bulkhead getBulkhead() {
		return this.bulkhead;
	}

	public RateLimiter getRateLimiter() {
		return this.rateLimiter;
	}

	public Timeout getTimeout() {
		return this.timeout;
	}

	public Hedge getHedge() {
		return this.hedge;
	}

	public Idempotency getIdempotency() {
		return this.idempotency;
	}

	public Health getHealth() {
		return this.health;
	}

	public Actuator getActuator() {
		return this.actuator;
	}

	public Chaos getChaos() {
		return this.chaos;
	}

	public Observation getObservation() {
		return this.observation;
	}

	/** Circuit breakers: {@code defaults} and per-instance overrides. */
	public static class CircuitBreaker {

		/**
		 * Settings applied to every circuit breaker unless its instance overrides them.
		 */
		@NestedConfigurationProperty
		private final CircuitBreakerSettings defaults = new CircuitBreakerSettings();

		/**
		 * Per-instance overrides, keyed by the name given to @CircuitBreaker. Unset keys
		 * inherit from defaults.
		 */
		private final Map<String, CircuitBreakerSettings> instances = new LinkedHashMap<>();

		public CircuitBreakerSettings getDefaults() {
			return this.defaults;
		}

		public Map<String, CircuitBreakerSettings> getInstances() {
			return this.instances;
		}

	}

	/** Retries: {@code defaults} and per-instance overrides. */
	public static class Retry {

		/**
		 * Settings applied to every retry unless its instance overrides them.
		 */
		@NestedConfigurationProperty
		private final RetrySettings defaults = new RetrySettings();

		/**
		 * Per-instance overrides, keyed by the name given to @Retry. Unset keys inherit
		 * from defaults.
		 */
		private final Map<String, RetrySettings> instances = new LinkedHashMap<>();

		public RetrySettings getDefaults() {
			return this.defaults;
		}

		public Map<String, RetrySettings> getInstances() {
			return this.instances;
		}

	}

	/** Bulkheads: {@code defaults} and per-instance overrides. */
	public static class Bulkhead {

		/**
		 * Settings applied to every bulkhead unless its instance overrides them.
		 */
		@NestedConfigurationProperty
		private final BulkheadSettings defaults = new BulkheadSettings();

		/**
		 * Per-instance overrides, keyed by the name given to @Bulkhead. Unset keys
		 * inherit from defaults.
		 */
		private final Map<String, BulkheadSettings> instances = new LinkedHashMap<>();

		public BulkheadSettings getDefaults() {
			return this.defaults;
		}

		public Map<String, BulkheadSettings> getInstances() {
			return this.instances;
		}

	}

	/** Rate limiters: {@code defaults} and per-instance overrides. */
	public static class RateLimiter {

		/**
		 * Settings applied to every rate limiter unless its instance overrides them.
		 */
		@NestedConfigurationProperty
		private final RateLimiterSettings defaults = new RateLimiterSettings();

		/**
		 * Per-instance overrides, keyed by the name given to @RateLimiter. Unset keys
		 * inherit from defaults.
		 */
		private final Map<String, RateLimiterSettings> instances = new LinkedHashMap<>();

		public RateLimiterSettings getDefaults() {
			return this.defaults;
		}

		public Map<String, RateLimiterSettings> getInstances() {
			return this.instances;
		}

	}

	/** Hedges: {@code defaults} and per-instance overrides. */
	public static class Hedge {

		/**
		 * Settings applied to every hedge unless its instance overrides them.
		 */
		@NestedConfigurationProperty
		private final HedgeSettings defaults = new HedgeSettings();

		/**
		 * Per-instance overrides, keyed by the name given to @Hedge. Unset keys inherit
		 * from defaults.
		 */
		private final Map<String, HedgeSettings> instances = new LinkedHashMap<>();

		public HedgeSettings getDefaults() {
			return this.defaults;
		}

		public Map<String, HedgeSettings> getInstances() {
			return this.instances;
		}

	}

	/** Timeouts: {@code defaults} and per-instance overrides. */
	public static class Timeout {

		/**
		 * Settings applied to every timeout unless its instance overrides them.
		 */
		@NestedConfigurationProperty
		private final TimeoutSettings defaults = new TimeoutSettings();

		/**
		 * Per-instance overrides, keyed by the name given to @Timeout. Unset keys inherit
		 * from defaults.
		 */
		private final Map<String, TimeoutSettings> instances = new LinkedHashMap<>();

		public TimeoutSettings getDefaults() {
			return this.defaults;
		}

		public Map<String, TimeoutSettings> getInstances() {
			return this.instances;
		}

	}

	/**
	 * Idempotency: the store, key namespacing, {@code defaults} and per-instance
	 * overrides.
	 */
	public static class Idempotency {

		/**
		 * Store holding idempotency records. Use redis or jdbc to share records between
		 * application instances.
		 */
		private StoreType store = StoreType.MEMORY;

		/**
		 * Prefix of every record id, separating this application's records from others in
		 * a shared store.
		 */
		private String keyPrefix = "resilience:idem";

		/**
		 * Maximum length of an idempotency key; longer keys are refused. At least 1.
		 */
		private int maxKeyLength = 255;

		/**
		 * Namespace of keys: per authenticated principal, or one namespace for everyone.
		 */
		private Scope scope = Scope.PRINCIPAL;

		/**
		 * Settings applied to every idempotent method unless its instance overrides them.
		 */
		@NestedConfigurationProperty
		private final IdempotencySettings defaults = new IdempotencySettings();

		/**
		 * Per-instance overrides, keyed by the name given to @Idempotent or by its
		 * default SimpleClassName.method, which needs brackets: [PaymentService.charge].
		 */
		private final Map<String, IdempotencySettings> instances = new LinkedHashMap<>();

		/**
		 * In-memory store settings.
		 */
		private final Memory memory = new Memory();

		/**
		 * JDBC store settings.
		 */
		private final Jdbc jdbc = new Jdbc();

		public StoreType getStore() {
			return this.store;
		}

		public void setStore(StoreType store) {
			this.store = store;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public int getMaxKeyLength() {
			return this.maxKeyLength;
		}

		public void setMaxKeyLength(int maxKeyLength) {
			this.maxKeyLength = maxKeyLength;
		}

		public Scope getScope() {
			return this.scope;
		}

		public void setScope(Scope scope) {
			this.scope = scope;
		}

		public IdempotencySettings getDefaults() {
			return this.defaults;
		}

		public Map<String, IdempotencySettings> getInstances() {
			return this.instances;
		}

		public Memory getMemory() {
			return this.memory;
		}

		public Jdbc getJdbc() {
			return this.jdbc;
		}

		/** In-memory store settings. */
		public static class Memory {

			/**
			 * Maximum number of completed records kept; beyond it the soonest to expire
			 * (with one ttl, the oldest) are evicted and their keys could run again.
			 * Claims in progress are not counted and never evicted. At least 1.
			 */
			private long maximumSize = 100000;

			/**
			 * Maximum memory held by completed records, counted as each stored result's
			 * bytes plus 512 bytes per record; beyond it the soonest to expire are
			 * evicted. A result larger than the whole bound is not kept. At least 512B.
			 */
			private DataSize maximumMemory = DataSize.ofMegabytes(64);

			public long getMaximumSize() {
				return this.maximumSize;
			}

			public void setMaximumSize(long maximumSize) {
				this.maximumSize = maximumSize;
			}

			public DataSize getMaximumMemory() {
				return this.maximumMemory;
			}

			public void setMaximumMemory(DataSize maximumMemory) {
				this.maximumMemory = maximumMemory;
			}

		}

		/** JDBC store settings. */
		public static class Jdbc {

			/**
			 * Name of the table holding idempotency records, optionally qualified by a
			 * schema.
			 */
			private String tableName = "resilience_idempotency";

			/**
			 * When to create the table on startup from the shipped schema scripts.
			 */
			private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.EMBEDDED;

			public String getTableName() {
				return this.tableName;
			}

			public void setTableName(String tableName) {
				this.tableName = tableName;
			}

			public DatabaseInitializationMode getInitializeSchema() {
				return this.initializeSchema;
			}

			public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
				this.initializeSchema = initializeSchema;
			}

		}

		/** Stores of idempotency records. */
		public enum StoreType {

			/**
			 * In the application's memory, bounded by count and bytes; not shared between
			 * instances.
			 */
			MEMORY,

			/** In Redis, through Spring Data Redis. */
			REDIS,

			/** In a relational database, through Spring's JdbcTemplate. */
			JDBC

		}

		/** Namespaces of idempotency keys. */
		public enum Scope {

			/**
			 * Keys of each authenticated principal are separate; unauthenticated calls
			 * share one namespace.
			 */
			PRINCIPAL,

			/** One namespace for every caller. */
			GLOBAL

		}

	}

	/** Health contribution of the circuit breakers. */
	public static class Health {

		/**
		 * Health status reported for the circuit breakers when one is open. UP by default
		 * so that an outage downstream does not make an orchestrator restart this
		 * service.
		 */
		private CircuitOpenStatus circuitOpenStatus = CircuitOpenStatus.UP;

		/** The circuitBreakers health contributor. */
		private final Contributor circuitBreakers = new Contributor();

		/** The retries health contributor. */
		private final Contributor retries = new Contributor();

		/** The bulkheads health contributor. */
		private final Contributor bulkheads = new Contributor();

		/** The rateLimiters health contributor. */
		private final Contributor rateLimiters = new Contributor();

		/** The timeouts health contributor. */
		private final Contributor timeouts = new Contributor();

		public CircuitOpenStatus getCircuitOpenStatus() {
			return this.circuitOpenStatus;
		}

		public void setCircuitOpenStatus(CircuitOpenStatus circuitOpenStatus) {
			this.circuitOpenStatus = circuitOpenStatus;
		}

		public Contributor getCircuitBreakers() {
			return this.circuitBreakers;
		}

		public Contributor getRetries() {
			return this.retries;
		}

		public Contributor getBulkheads() {
			return this.bulkheads;
		}

		public Contributor getRateLimiters() {
			return this.rateLimiters;
		}

		public Contributor getTimeouts() {
			return this.timeouts;
		}

		/**
		 * A health contributor's switch, read at startup (the auto-configuration reads it
		 * from the environment; this binding documents and validates it).
		 */
		public static class Contributor {

			/**
			 * Whether to contribute this component to /actuator/health. Unset follows
			 * management.health.defaults.enabled (true unless set).
			 */
			private Boolean enabled;

			public Boolean getEnabled() {
				return this.enabled;
			}

			public void setEnabled(Boolean enabled) {
				this.enabled = enabled;
			}

		}

		/** Health statuses an open circuit breaker may report. */
		public enum CircuitOpenStatus {

			/** The application stays UP. */
			UP,

			/** The application is reported DOWN. */
			DOWN,

			/** The application is reported OUT_OF_SERVICE. */
			OUT_OF_SERVICE,

			/**
			 * A custom CIRCUIT_OPEN status; map it in
			 * management.endpoint.health.status.order.
			 */
			CIRCUIT_OPEN

		}

	}

	/** The resilience Actuator endpoint. */
	public static class Actuator {

		/**
		 * Whether the resilience endpoint accepts requests that change a circuit
		 * breaker's state or the faults chaos injects.
		 */
		private boolean stateChangesEnabled = false;

		public boolean isStateChangesEnabled() {
			return this.stateChangesEnabled;
		}

		public void setStateChangesEnabled(boolean stateChangesEnabled) {
			this.stateChangesEnabled = stateChangesEnabled;
		}

	}

	/**
	 * Chaos injection: errors and latency injected innermost into the calls of annotated
	 * methods, by instance name.
	 */
	public static class Chaos {

		/**
		 * Whether chaos injection is possible at all. When false no method gets a chaos
		 * stage and the actuator cannot switch faults on; when true every annotated
		 * method can, and one WARN line is logged at startup.
		 */
		private boolean enabled = false;

		/**
		 * Faults injected under every instance name unless its instance overrides them;
		 * none by default.
		 */
		@NestedConfigurationProperty
		private final ChaosSettings defaults = new ChaosSettings();

		/**
		 * Per-instance faults, keyed by a name given to a resilience annotation such as
		 * @CircuitBreaker or @Retry. Unset keys inherit from defaults.
		 */
		private final Map<String, ChaosSettings> instances = new LinkedHashMap<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public ChaosSettings getDefaults() {
			return this.defaults;
		}

		public Map<String, ChaosSettings> getInstances() {
			return this.instances;
		}

	}

	/** Events on the current Micrometer observation, shown as span events by tracing. */
	public static class Observation {

		/**
		 * Whether retries, circuit breaker transitions and refusals, fallbacks, bulkhead
		 * and rate limiter refusals, timeouts, hedges and chaos injections are added as
		 * events to the current observation when an ObservationRegistry bean exists.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
