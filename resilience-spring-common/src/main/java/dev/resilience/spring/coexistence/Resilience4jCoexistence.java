package dev.resilience.spring.coexistence;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.resilience.ResilienceRegistry;
import dev.resilience.spring.autoconfigure.ResilienceProperties;

/**
 * Says at startup what changes when resilience4j's Spring Boot module runs beside the
 * starter, as during a migration, in at most two lines:
 * <ul>
 * <li>one WARN listing the instance names both libraries use for the same kind of pattern
 * (resilience4j's from {@code resilience4j.<kind>.instances} and its annotations, the
 * starter's from {@code resilience.<kind>.instances} and its annotations): each library
 * keeps its own instance, so one name gives two independent breakers, retries or
 * bulkheads;</li>
 * <li>one INFO when resilience4j's health indicators hold the names
 * {@code circuitBreakers} or {@code rateLimiters}, naming where the starter's are.</li>
 * </ul>
 * Runs once every singleton exists, so that the annotated beans have created their
 * instances.
 */
public class Resilience4jCoexistence implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(Resilience4jCoexistence.class);

	/** resilience4j's annotations live in their own jar. */
	private static final String ANNOTATION_PROBE = "io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker";

	private static final List<String[]> MOVED_HEALTH = List.of(
			new String[] { "resilienceCircuitBreakersHealthIndicator", "circuitBreakers", "resilienceCircuitBreakers",
					"management.health.circuitbreakers.enabled" },
			new String[] { "resilienceRateLimitersHealthIndicator", "rateLimiters", "resilienceRateLimiters",
					"management.health.ratelimiters.enabled" });

	private final ResilienceRegistry registry;

	private final ResilienceProperties properties;

	private final Environment environment;

	private final ConfigurableListableBeanFactory beanFactory;

	public Resilience4jCoexistence(ResilienceRegistry registry, ResilienceProperties properties,
			Environment environment, ConfigurableListableBeanFactory beanFactory) {
		this.registry = registry;
		this.properties = properties;
		this.environment = environment;
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		String shared = describeSharedNames();
		if (shared != null) {
			logger.warn(shared);
		}
		String health = describeMovedHealth();
		if (health != null) {
			logger.info(health);
		}
	}

	/**
	 * The WARN line on the names both libraries use, or {@code null} when they share
	 * none.
	 */
	String describeSharedNames() {
		Map<Resilience4jKind, Set<String>> theirs = resilience4jNames();
		Map<Resilience4jKind, Set<String>> ours = ownNames();
		Map<String, Set<Resilience4jKind>> shared = new TreeMap<>();
		for (Resilience4jKind kind : Resilience4jKind.values()) {
			for (String name : theirs.get(kind)) {
				if (ours.get(kind).contains(name)) {
					shared.computeIfAbsent(name, (key) -> EnumSet.noneOf(Resilience4jKind.class)).add(kind);
				}
			}
		}
		if (shared.isEmpty()) {
			return null;
		}
		String names = shared.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + " ("
					+ entry.getValue().stream().map(Resilience4jKind::description).collect(Collectors.joining(", "))
					+ ")")
			.collect(Collectors.joining(", "));
		return "Instance names used by both resilience4j and this starter: " + names
				+ ". They are independent instances: each library keeps its own state and limits under the name"
				+ " (a bulkhead of 10 admits 10 calls in each library, 20 in all); move each name to one library";
	}

	/**
	 * The INFO line on the health contributors that resilience4j's displaced, or
	 * {@code null} when none was.
	 */
	String describeMovedHealth() {
		List<String[]> moved = MOVED_HEALTH.stream()
			.filter((entry) -> this.beanFactory.containsBean(entry[0]))
			.toList();
		if (moved.isEmpty()) {
			return null;
		}
		return "resilience4j's health indicators are enabled and use the " + ((moved.size() > 1) ? "names " : "name ")
				+ join(moved, 1) + " in /actuator/health, so this starter reports its own as " + join(moved, 2)
				+ "; they take back their usual names once resilience4j's are switched off (" + join(moved, 3)
				+ ") or removed";
	}

	private static String join(List<String[]> rows, int column) {
		return rows.stream().map((row) -> row[column]).collect(Collectors.joining(", "));
	}

	private Map<Resilience4jKind, Set<String>> resilience4jNames() {
		Map<Resilience4jKind, Set<String>> names = new EnumMap<>(Resilience4jKind.class);
		Binder binder = Binder.get(this.environment);
		for (Resilience4jKind kind : Resilience4jKind.values()) {
			Set<String> ofKind = new TreeSet<>();
			for (String group : kind.propertyGroups()) {
				// "backends" is resilience4j's older name for "instances".
				for (String map : List.of("instances", "backends")) {
					binder.bind("resilience4j." + group + "." + map, Bindable.mapOf(String.class, Object.class))
						.ifBound((instances) -> ofKind.addAll(instances.keySet()));
				}
			}
			names.put(kind, ofKind);
		}
		if (ClassUtils.isPresent(ANNOTATION_PROBE, this.beanFactory.getBeanClassLoader())) {
			for (Annotation annotation : annotationsOnBeans()) {
				String name = resolve(Resilience4jAnnotations.nameOf(annotation));
				if (name != null) {
					names.get(Resilience4jAnnotations.kindOf(annotation)).add(name);
				}
			}
		}
		return names;
	}

	private Collection<Annotation> annotationsOnBeans() {
		List<Annotation> found = new ArrayList<>();
		Set<Class<?>> seen = new LinkedHashSet<>();
		for (String beanName : this.beanFactory.getBeanDefinitionNames()) {
			Class<?> type;
			try {
				type = this.beanFactory.getType(beanName, false);
			}
			catch (RuntimeException ex) {
				continue;
			}
			if (type == null) {
				continue;
			}
			Class<?> userClass = ClassUtils.getUserClass(type);
			if (!seen.add(userClass) || userClass.getName().startsWith("org.springframework.")) {
				continue;
			}
			found.addAll(Resilience4jAnnotations.declaredOn(userClass));
			for (Method method : ReflectionUtils.getUniqueDeclaredMethods(userClass,
					ReflectionUtils.USER_DECLARED_METHODS)) {
				found.addAll(Resilience4jAnnotations.declaredOn(method));
			}
		}
		return found;
	}

	/**
	 * The name with its {@code ${...}} placeholders resolved, or {@code null} for an
	 * empty name or a SpEL expression, which only resilience4j can evaluate per call.
	 */
	private String resolve(String name) {
		if (name.isBlank() || name.contains("#")) {
			return null;
		}
		return this.environment.resolvePlaceholders(name);
	}

	private Map<Resilience4jKind, Set<String>> ownNames() {
		Map<Resilience4jKind, Set<String>> names = new EnumMap<>(Resilience4jKind.class);
		names.put(Resilience4jKind.CIRCUIT_BREAKER, union(this.registry.getCircuitBreakers(),
				(breaker) -> breaker.getName(), this.properties.getCircuitBreaker().getInstances().keySet()));
		names.put(Resilience4jKind.RETRY, union(this.registry.getRetries(), (retry) -> retry.getName(),
				this.properties.getRetry().getInstances().keySet()));
		names.put(Resilience4jKind.BULKHEAD, union(this.registry.getBulkheads(), (bulkhead) -> bulkhead.getName(),
				this.properties.getBulkhead().getInstances().keySet()));
		names.put(Resilience4jKind.RATE_LIMITER, union(this.registry.getRateLimiters(), (limiter) -> limiter.getName(),
				this.properties.getRateLimiter().getInstances().keySet()));
		names.put(Resilience4jKind.TIME_LIMITER, union(this.registry.getTimeouts(), (timeout) -> timeout.getName(),
				this.properties.getTimeout().getInstances().keySet()));
		return names;
	}

	private static <T> Set<String> union(Collection<T> instances, Function<T, String> name, Set<String> configured) {
		Set<String> names = new TreeSet<>(configured);
		instances.forEach((instance) -> names.add(name.apply(instance)));
		return names;
	}

}
