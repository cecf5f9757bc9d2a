package dev.resilience.spring.autoconfigure;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.springframework.util.ClassUtils;

import dev.resilience.InvalidConfigurationException;
import dev.resilience.chaos.ChaosConfig;
import dev.resilience.spring.support.DurationFormat;

/**
 * The chaos configuration of every name under {@code resilience.chaos.instances}, built
 * and checked once from {@link ResilienceProperties.Chaos}, whether chaos is enabled or
 * not, so that a mistake fails startup before anyone turns it on. A name without an entry
 * injects nothing ({@link ChaosConfig#none()}).
 * <p>
 * {@link #read} is also what the actuator endpoint uses for a change at runtime, so both
 * accept and refuse the same values. Immutable and thread-safe once constructed.
 */
public class ChaosConfigurations {

	static final String PREFIX = "resilience.chaos.instances.";

	static final String DEFAULTS = "resilience.chaos.defaults.";

	private static final String RATE = "must be in [0, 1]";

	private final boolean enabled;

	private final ChaosConfig defaults;

	private final Map<String, ChaosConfig> instances;

	/**
	 * @param classLoader loads the configured error types
	 * @throws InvalidResiliencePropertyException naming the first key whose value is not
	 * accepted
	 */
	public ChaosConfigurations(ResilienceProperties.Chaos properties, ClassLoader classLoader) {
		Objects.requireNonNull(properties, "properties");
		this.enabled = properties.isEnabled();
		ChaosSettings d = properties.getDefaults();
		this.defaults = read(DEFAULTS, d.getErrorRate(), d.getError(), d.getLatency(), d.getLatencyRate(), classLoader);
		Map<String, ChaosConfig> built = new LinkedHashMap<>();
		properties.getInstances().forEach((name, i) -> {
			String group = PREFIX + name + ".";
			// a key the instance sets, or that neither layer sets, is blamed on the
			// instance; one it inherits, on defaults
			UnaryOperator<String> property = (key) -> ((isSet(i, key) || !isSet(d, key)) ? group : DEFAULTS) + key;
			built.put(name, read(property, first(i.getErrorRate(), d.getErrorRate()), first(i.getError(), d.getError()),
					first(i.getLatency(), d.getLatency()), first(i.getLatencyRate(), d.getLatencyRate()), classLoader));
		});
		this.instances = Collections.unmodifiableMap(built);
	}

	private static <T> T first(T instance, T defaults) {
		return (instance != null) ? instance : defaults;
	}

	private static boolean isSet(ChaosSettings settings, String key) {
		return switch (key) {
			case "error-rate" -> settings.getErrorRate() != null;
			case "error" -> settings.getError() != null;
			case "latency" -> settings.getLatency() != null;
			default -> settings.getLatencyRate() != null;
		};
	}

	/** Whether {@code resilience.chaos.enabled} is true. */
	public boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * The configuration of {@code name}: its entry over the defaults, or the defaults.
	 */
	public ChaosConfig config(String name) {
		return this.instances.getOrDefault(Objects.requireNonNull(name, "name"), this.defaults);
	}

	/** Every configured name with its configuration, in declaration order. */
	public Map<String, ChaosConfig> instances() {
		return this.instances;
	}

	/**
	 * The names configured with faults, each with a short description of them, for the
	 * startup line: {@code inventory (error-rate 0.5 InjectedFaultException)}.
	 */
	public String describeFaults() {
		String named = this.instances.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().isActive())
			.map((entry) -> entry.getKey() + " (" + describe(entry.getValue()) + ")")
			.collect(Collectors.joining(", "));
		if (!this.defaults.isActive()) {
			return named;
		}
		String everyOther = "every other name (defaults: " + describe(this.defaults) + ")";
		return named.isEmpty() ? everyOther : named + ", " + everyOther;
	}

	/** The faults of one configuration, as written in YAML. */
	public static String describe(ChaosConfig config) {
		StringBuilder description = new StringBuilder();
		if (config.getErrorRate() > 0) {
			description.append("error-rate ")
				.append(config.getErrorRate())
				.append(' ')
				.append(config.getError().getSimpleName());
		}
		if (config.getLatencyRate() > 0) {
			if (description.length() > 0) {
				description.append(", ");
			}
			description.append("latency ")
				.append(DurationFormat.inSecondsOrFiner(config.getLatency()))
				.append(" at latency-rate ")
				.append(config.getLatencyRate());
		}
		return (description.length() > 0) ? description.toString() : "no faults";
	}

	/**
	 * Builds one configuration; an unset key takes its default (no error, no latency,
	 * {@link ChaosConfig#DEFAULT_ERROR}).
	 * @param prefix put before each key in a failure: the instance's group with a
	 * trailing dot, or nothing for a request's fields
	 * @throws InvalidResiliencePropertyException naming {@code prefix} and the key
	 */
	public static ChaosConfig read(String prefix, Double errorRate, String error, Duration latency, Double latencyRate,
			ClassLoader classLoader) {
		return read((key) -> prefix + key, errorRate, error, latency, latencyRate, classLoader);
	}

	private static ChaosConfig read(UnaryOperator<String> property, Double errorRate, String error, Duration latency,
			Double latencyRate, ClassLoader classLoader) {
		ChaosConfig.Builder builder = ChaosConfig.custom();
		if (errorRate != null) {
			apply(property.apply("error-rate"), errorRate, RATE, () -> builder.errorRate(errorRate));
		}
		if (error != null) {
			Class<?> type = errorType(property.apply("error"), error.trim(), classLoader);
			apply(property.apply("error"), error,
					"must be a Throwable with a public constructor taking a String or nothing",
					() -> builder.error(type));
		}
		if (latency != null) {
			apply(property.apply("latency"), latency, "must not be a negative duration",
					() -> builder.latency(latency));
		}
		if (latencyRate != null) {
			apply(property.apply("latency-rate"), latencyRate, RATE, () -> builder.latencyRate(latencyRate));
		}
		try {
			return builder.build();
		}
		catch (InvalidConfigurationException ex) {
			String setting = "latencyRate".equals(ex.getSetting()) ? "latency-rate" : ex.getSetting();
			throw new InvalidResiliencePropertyException(property.apply(setting), ex.getValue(),
					ex.getRequirement(new InvalidConfigurationException.SettingFormat() {

						@Override
						public String name(String engineName) {
							return "latencyRate".equals(engineName) ? "latency-rate" : engineName;
						}

						@Override
						public String value(String engineName, Object value) {
							return InvalidResiliencePropertyException.format(value);
						}

					}), ex);
		}
	}

	private static Class<?> errorType(String property, String name, ClassLoader classLoader) {
		try {
			return ClassUtils.forName(name, classLoader);
		}
		catch (ClassNotFoundException | LinkageError | IllegalArgumentException ex) {
			throw new InvalidResiliencePropertyException(property, name,
					"must name a class on the classpath, but no class " + name + " was found", ex);
		}
	}

	private static void apply(String property, Object value, String requirement, Runnable setter) {
		try {
			setter.run();
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			// The engine's message says which rule an error type breaks.
			String detail = property.endsWith(".error") || property.equals("error") ? " (" + ex.getMessage() + ")" : "";
			throw new InvalidResiliencePropertyException(property, value, requirement + detail, ex);
		}
	}

}
