package dev.resilience.spring.autoconfigure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.UnboundElementsSourceFilter;
import org.springframework.core.env.Environment;

import dev.resilience.ResilienceRegistry;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.retry.Retry;
import dev.resilience.timeout.Timeout;

/**
 * Applies a change of {@code resilience.*} to the running instances, all or nothing.
 * Given the keys that changed (as Spring Cloud's {@code EnvironmentChangeEvent} reports
 * them), it binds {@code resilience.*} afresh from the {@link Environment} and validates
 * it as startup does (unknown keys, types, ranges, rules between keys); then it
 * reconfigures in place the instances the keys name, or every instance of a kind when its
 * {@code defaults} changed. Instances of other names and kinds are left alone, and an
 * instance created later gets the new configuration.
 * <p>
 * What applies live: every key of circuit breakers except {@code adaptive-slow-call.*};
 * every key of retries and timeouts; a semaphore bulkhead's {@code max-concurrent-calls}
 * and {@code max-wait-duration}; a local rate limiter's {@code limit-for-period},
 * {@code limit-refresh-period} and {@code timeout-duration}. Any other key under
 * {@code resilience.} (a bulkhead's type or pool, a rate limiter's scope, hedges,
 * idempotency, chaos, health, actuator) needs a restart.
 * <p>
 * A change with an invalid value, or with a key that needs a restart, is refused whole:
 * every instance keeps its configuration and each reason is logged at WARN with its key.
 * The refused values stay in the {@code Environment} (a later change that is applied does
 * not apply them to the running instances; a restart validates them again).
 * Reconfigurations are serialized.
 */
public class ResilienceReconfigurer {

	private static final Log logger = LogFactory.getLog("dev.resilience.reconfiguration");

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("resilience");

	private static final Set<String> LIVE_BULKHEAD_KEYS = Set.of("max-concurrent-calls", "max-wait-duration");

	private static final Set<String> LIVE_RATE_LIMITER_KEYS = Set.of("limit-for-period", "limit-refresh-period",
			"timeout-duration");

	private final Environment environment;

	private final ResilienceRegistry registry;

	private final CurrentResilienceConfigurations current;

	private final ClassLoader classLoader;

	private final ReentrantLock reconfiguring = new ReentrantLock();

	public ResilienceReconfigurer(Environment environment, ResilienceRegistry registry,
			CurrentResilienceConfigurations current, ClassLoader classLoader) {
		this.environment = Objects.requireNonNull(environment, "environment");
		this.registry = Objects.requireNonNull(registry, "registry");
		this.current = Objects.requireNonNull(current, "current");
		this.classLoader = classLoader;
	}

	/**
	 * Applies the change the {@code changedKeys} report; keys outside {@code resilience.}
	 * are ignored.
	 * @return what was done: the instances reconfigured, or the reasons the change was
	 * refused (both empty when no key concerned us)
	 */
	public Outcome reconfigure(Collection<String> changedKeys) {
		this.reconfiguring.lock();
		try {
			return reconfigureLocked(changedKeys);
		}
		finally {
			this.reconfiguring.unlock();
		}
	}

	private Outcome reconfigureLocked(Collection<String> changedKeys) {
		List<ConfigurationPropertyName> keys = ourKeys(changedKeys);
		if (keys.isEmpty()) {
			return new Outcome(List.of(), List.of());
		}
		String changed = describe(keys);
		Changes changes = new Changes();
		keys.forEach((key) -> changes.add(key, this.registry));
		List<String> refusals = new ArrayList<>(changes.refusals);
		ResilienceConfigurations next = null;
		try {
			next = bindAndValidate();
		}
		catch (InvalidResiliencePropertyException ex) {
			refusals.add(ex.getMessage());
		}
		catch (BindException ex) {
			refusals.add(bindFailure(ex));
		}
		catch (RuntimeException ex) {
			refusals.add(String.valueOf(ex.getMessage()));
		}
		if (next == null || !refusals.isEmpty()) {
			return refuse(changed, refusals);
		}
		List<Runnable> undo = new ArrayList<>();
		List<String> reconfigured = new ArrayList<>();
		try {
			changes.apply(this.registry, next, undo, reconfigured);
		}
		catch (RuntimeException ex) {
			// An instance of its own kind (a registry customizer's) that cannot take the
			// change: the ones already changed go back, so that none keeps a half.
			for (int i = undo.size() - 1; i >= 0; i--) {
				undo.get(i).run();
			}
			return refuse(changed, List.of(String.valueOf(ex.getMessage())));
		}
		this.current.set(next);
		if (logger.isInfoEnabled()) {
			logger.info("Applied the change of " + changed
					+ (reconfigured.isEmpty()
							? "; no running instance is concerned, instances created from now on get it"
							: " to " + String.join(", ", reconfigured)));
		}
		return new Outcome(reconfigured, List.of());
	}

	private ResilienceConfigurations bindAndValidate() {
		NoUnboundElementsBindHandler handler = new NoUnboundElementsBindHandler(
				new IgnoreTopLevelConverterNotFoundBindHandler(), new UnboundElementsSourceFilter());
		ResilienceProperties properties = Binder.get(this.environment)
			.bindOrCreate(PREFIX, Bindable.of(ResilienceProperties.class), handler);
		ResilienceConfigurations configurations = new ResilienceConfigurations(properties);
		new ChaosConfigurations(properties.getChaos(), this.classLoader);
		return configurations;
	}

	private static String bindFailure(BindException ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		String property = (ex.getProperty() != null) ? ex.getProperty().getName().toString() : ex.getName().toString();
		return property + ": " + cause.getMessage();
	}

	private static Outcome refuse(String changed, List<String> reasons) {
		logger.warn("Refused the change of " + changed + "; every instance keeps its configuration: "
				+ String.join("; ", reasons));
		return new Outcome(List.of(), reasons);
	}

	private static List<ConfigurationPropertyName> ourKeys(Collection<String> changedKeys) {
		List<ConfigurationPropertyName> keys = new ArrayList<>();
		for (String key : changedKeys) {
			if (key == null) {
				continue;
			}
			ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
			if (PREFIX.isAncestorOf(name)) {
				keys.add(name);
			}
		}
		return keys;
	}

	private static String describe(List<ConfigurationPropertyName> keys) {
		Set<String> names = new TreeSet<>();
		keys.forEach((key) -> names.add(key.toString()));
		return String.join(", ", names);
	}

	/** The result of one reconfiguration. */
	public record Outcome(List<String> reconfigured, List<String> refusals) {

		/** Whether the change was refused. */
		public boolean refused() {
			return !this.refusals.isEmpty();
		}

	}

	/**
	 * The instances a set of keys names, by kind, and the keys among them that cannot
	 * apply live.
	 */
	private static final class Changes {

		final List<String> refusals = new ArrayList<>();

		/** Per kind, the names of the running instances to reconfigure. */
		final Map<Kind, Set<String>> targets = new LinkedHashMap<>();

		void add(ConfigurationPropertyName key, ResilienceRegistry registry) {
			Kind kind = (key.getNumberOfElements() > 1) ? Kind.of(key.getElement(1, Form.DASHED)) : null;
			if (kind == null) {
				this.refusals.add(key + " needs a restart to apply");
				return;
			}
			String layer = (key.getNumberOfElements() > 2) ? key.getElement(2, Form.DASHED) : "";
			int settingStart;
			Set<String> names;
			if ("defaults".equals(layer)) {
				settingStart = 3;
				names = kind.names(registry);
			}
			else if ("instances".equals(layer) && key.getNumberOfElements() > 3) {
				settingStart = 4;
				String name = key.getElement(3, Form.ORIGINAL);
				names = kind.names(registry).contains(name) ? Set.of(name) : Set.of();
			}
			else {
				this.refusals.add(key + " needs a restart to apply");
				return;
			}
			String setting = (key.getNumberOfElements() > settingStart) ? key.subName(settingStart).toString() : "";
			if (!kind.isLive(setting)) {
				this.refusals.add(key + " needs a restart to apply");
				return;
			}
			if (kind == Kind.BULKHEAD) {
				for (String name : names) {
					if (registry.bulkhead(name).getConfig().getType() != BulkheadConfig.Type.SEMAPHORE) {
						this.refusals.add(key + " needs a restart to apply: bulkhead '" + name + "' is of type "
								+ registry.bulkhead(name).getConfig().getType().name().toLowerCase().replace('_', '-'));
					}
				}
			}
			if (kind == Kind.RATE_LIMITER) {
				for (String name : names) {
					if (registry.rateLimiter(name).getConfig().getScope() != RateLimiterConfig.Scope.INSTANCE) {
						this.refusals
							.add(key + " needs a restart to apply: rate limiter '" + name + "' is of scope cluster");
					}
				}
			}
			this.targets.computeIfAbsent(kind, (k) -> new TreeSet<>()).addAll(names);
		}

		void apply(ResilienceRegistry registry, ResilienceConfigurations next, List<Runnable> undo,
				List<String> reconfigured) {
			this.targets.forEach((kind, names) -> {
				for (String name : names) {
					kind.reconfigure(registry, name, next, undo);
					reconfigured.add(kind.label + " '" + name + "'");
				}
			});
		}

	}

	/** The kinds of instance whose configuration can change live. */
	private enum Kind {

		CIRCUIT_BREAKER("circuit-breaker", "circuit breaker") {

			@Override
			Set<String> names(ResilienceRegistry registry) {
				return names(registry.getCircuitBreakers(), CircuitBreaker::getName);
			}

			@Override
			boolean isLive(String setting) {
				return !setting.startsWith("adaptive-slow-call");
			}

			@Override
			void reconfigure(ResilienceRegistry registry, String name, ResilienceConfigurations next,
					List<Runnable> undo) {
				CircuitBreaker breaker = registry.circuitBreaker(name);
				change(breaker.getConfig(), next.circuitBreaker(name), breaker::reconfigure, undo);
			}

		},

		RETRY("retry", "retry") {

			@Override
			Set<String> names(ResilienceRegistry registry) {
				return names(registry.getRetries(), Retry::getName);
			}

			@Override
			void reconfigure(ResilienceRegistry registry, String name, ResilienceConfigurations next,
					List<Runnable> undo) {
				Retry retry = registry.retry(name);
				change(retry.getConfig(), next.retry(name), retry::reconfigure, undo);
			}

		},

		BULKHEAD("bulkhead", "bulkhead") {

			@Override
			Set<String> names(ResilienceRegistry registry) {
				return names(registry.getBulkheads(), Bulkhead::getName);
			}

			@Override
			boolean isLive(String setting) {
				return LIVE_BULKHEAD_KEYS.contains(setting);
			}

			@Override
			void reconfigure(ResilienceRegistry registry, String name, ResilienceConfigurations next,
					List<Runnable> undo) {
				Bulkhead bulkhead = registry.bulkhead(name);
				change(bulkhead.getConfig(), next.bulkhead(name), bulkhead::reconfigure, undo);
			}

		},

		RATE_LIMITER("rate-limiter", "rate limiter") {

			@Override
			Set<String> names(ResilienceRegistry registry) {
				return names(registry.getRateLimiters(), RateLimiter::getName);
			}

			@Override
			boolean isLive(String setting) {
				return LIVE_RATE_LIMITER_KEYS.contains(setting);
			}

			@Override
			void reconfigure(ResilienceRegistry registry, String name, ResilienceConfigurations next,
					List<Runnable> undo) {
				RateLimiter limiter = registry.rateLimiter(name);
				change(limiter.getConfig(), next.rateLimiter(name), limiter::reconfigure, undo);
			}

		},

		TIMEOUT("timeout", "timeout") {

			@Override
			Set<String> names(ResilienceRegistry registry) {
				return names(registry.getTimeouts(), Timeout::getName);
			}

			@Override
			void reconfigure(ResilienceRegistry registry, String name, ResilienceConfigurations next,
					List<Runnable> undo) {
				Timeout timeout = registry.timeout(name);
				change(timeout.getConfig(), next.timeout(name), timeout::reconfigure, undo);
			}

		};

		final String key;

		final String label;

		Kind(String key, String label) {
			this.key = key;
			this.label = label;
		}

		static Kind of(String key) {
			for (Kind kind : values()) {
				if (kind.key.equals(key)) {
					return kind;
				}
			}
			return null;
		}

		/** Names of the running instances of this kind. */
		abstract Set<String> names(ResilienceRegistry registry);

		/**
		 * Whether a setting (the key below {@code defaults} or {@code instances.<name>})
		 * applies live.
		 */
		boolean isLive(String setting) {
			return true;
		}

		/**
		 * Gives the named running instance its configuration in {@code next}, leaving in
		 * {@code undo} the way back.
		 */
		abstract void reconfigure(ResilienceRegistry registry, String name, ResilienceConfigurations next,
				List<Runnable> undo);

		static <C> void change(C before, C after, Consumer<C> reconfigure, List<Runnable> undo) {
			reconfigure.accept(after);
			undo.add(() -> reconfigure.accept(before));
		}

		static <T> Set<String> names(Collection<T> instances, Function<T, String> name) {
			Set<String> names = new TreeSet<>();
			instances.forEach((instance) -> names.add(name.apply(instance)));
			return names;
		}

	}

}
