package dev.resilience.benchmarks;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.resilience.ResilienceRegistry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/**
 * What 200 annotated methods (a breaker and a retry each, all of their own names) add to
 * the start of a non-web Spring Boot context: one start per measured operation, against
 * the same beans in a context without any resilience library. The context is closed after
 * each start, outside the measured time.
 * <p>
 * Our starter builds every method's pipeline, and so creates its breaker and retry, while
 * the bean is created: {@code ours} already holds the 200 breakers and 200 retries.
 * resilience4j creates an instance on its first call, so {@code resilience4j} holds none
 * yet; the {@code ...FirstCalls} rows add one call to each method, which makes both hold
 * all 400.
 * <p>
 * A fork starts the same context again and again, so these are warm starts: the classes
 * are loaded and compiled, and what remains is the work done per start; the compiler
 * takes some 30 starts to settle, hence the long warm-up. The annotation values below are
 * defaults for a run of this class alone; the suite runs it in a JMH invocation of its
 * own, whose command-line options override them.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(3)
@Warmup(iterations = 40)
@Measurement(iterations = 20)
public class StartupBenchmarks {

	static final int METHODS = 200;

	static final int METHODS_PER_CLASS = 20;

	@Benchmark
	public ConfigurableApplicationContext baseline(Started started) {
		return started.start(Baseline.class, defaults("resilience.", "defaults"));
	}

	@Benchmark
	public ConfigurableApplicationContext ours(Started started) {
		return started.start(Ours.class, defaults("resilience.", "defaults"));
	}

	@Benchmark
	public ConfigurableApplicationContext oursFirstCalls(Started started) throws Exception {
		started.start(Ours.class, defaults("resilience.", "defaults"));
		return started.callEachMethod(OursStartupBeans.CLASSES);
	}

	@Benchmark
	public ConfigurableApplicationContext resilience4j(Started started) {
		return started.start(Resilience4j.class, defaults("resilience4j.", "configs.default"));
	}

	@Benchmark
	public ConfigurableApplicationContext resilience4jFirstCalls(Started started) throws Exception {
		started.start(Resilience4j.class, defaults("resilience4j.", "configs.default"));
		return started.callEachMethod(R4jStartupBeans.CLASSES);
	}

	/**
	 * The benchmark settings of one library ({@link Contexts#settings()}, those of its
	 * {@code bench} instances) as its defaults, which every instance of an annotation's
	 * name takes; the other library's keys are left out, so that our starter's
	 * coexistence check finds no name both libraries use.
	 */
	static Map<String, Object> defaults(String prefix, String defaultsGroup) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		String instance = ".instances." + Contexts.NAME + ".";
		Contexts.settings().forEach((key, value) -> {
			if (key.startsWith(prefix) && key.contains(instance)) {
				defaults.put(key.replace(instance, "." + defaultsGroup + "."), value);
			}
		});
		return defaults;
	}

	/** The context one operation started, checked and closed after it. */
	@State(Scope.Thread)
	public static class Started {

		private final Map<Class<?>, List<Method>> methods = new LinkedHashMap<>();

		ConfigurableApplicationContext context;

		boolean calledEachMethod;

		@Setup(Level.Trial)
		public void findMethods() {
			findMethods(OursStartupBeans.CLASSES, dev.resilience.annotation.CircuitBreaker.class);
			findMethods(R4jStartupBeans.CLASSES, io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker.class);
		}

		private void findMethods(Class<?>[] classes, Class<? extends java.lang.annotation.Annotation> annotation) {
			int count = 0;
			for (Class<?> type : classes) {
				List<Method> annotated = Arrays.stream(type.getDeclaredMethods())
					.filter((method) -> method.isAnnotationPresent(annotation))
					.sorted(Comparator.comparing(Method::getName))
					.toList();
				if (annotated.size() != METHODS_PER_CLASS) {
					throw new IllegalStateException(type.getName() + " has " + annotated.size()
							+ " annotated methods instead of " + METHODS_PER_CLASS);
				}
				this.methods.put(type, annotated);
				count += annotated.size();
			}
			if (count != METHODS) {
				throw new IllegalStateException(count + " annotated methods instead of " + METHODS);
			}
		}

		ConfigurableApplicationContext start(Class<?> configuration, Map<String, Object> settings) {
			this.context = Contexts.startWith(configuration, settings);
			this.calledEachMethod = false;
			return this.context;
		}

		ConfigurableApplicationContext callEachMethod(Class<?>[] classes) throws Exception {
			int x = 0;
			for (Class<?> type : classes) {
				Object bean = this.context.getBean(type);
				for (Method method : this.methods.get(type)) {
					x++;
					int answer = (int) method.invoke(bean, x);
					if (answer != x + 1) {
						throw new IllegalStateException(method + " answered " + answer + " instead of " + (x + 1));
					}
				}
			}
			this.calledEachMethod = true;
			return this.context;
		}

		@TearDown(Level.Invocation)
		public void checkAndClose() {
			try {
				check();
			}
			finally {
				this.context.close();
				this.context = null;
				// Each start begins on a collected heap, so that no start pays for the
				// garbage of the one before.
				System.gc();
			}
		}

		/**
		 * The context holds what the row says it measures: proxies or plain beans, and
		 * the instances each library has created by then.
		 */
		private void check() {
			boolean ours = this.context.getBeanNamesForType(ResilienceRegistry.class).length > 0;
			var r4jBreakers = this.context
				.getBeanProvider(io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.class)
				.getIfAvailable();
			var r4jRetries = this.context.getBeanProvider(io.github.resilience4j.retry.RetryRegistry.class)
				.getIfAvailable();
			Class<?>[] classes = (r4jBreakers != null) ? R4jStartupBeans.CLASSES : OursStartupBeans.CLASSES;
			boolean proxied = ours || r4jBreakers != null;
			for (Class<?> type : classes) {
				if (AopUtils.isAopProxy(this.context.getBean(type)) != proxied) {
					throw new IllegalStateException(type.getName() + (proxied ? " is not proxied" : " is proxied"));
				}
			}
			if (ours) {
				ResilienceRegistry registry = this.context.getBean(ResilienceRegistry.class);
				// The instances exist from startup, before any call.
				expectAtLeast("our breakers", registry.getCircuitBreakers().size(), METHODS);
				expectAtLeast("our retries", registry.getRetries().size(), METHODS);
			}
			if (r4jBreakers != null && r4jRetries != null) {
				int breakers = r4jBreakers.getAllCircuitBreakers().size();
				int retries = r4jRetries.getAllRetries().size();
				if (this.calledEachMethod) {
					expectAtLeast("resilience4j's breakers", breakers, METHODS);
					expectAtLeast("resilience4j's retries", retries, METHODS);
				}
				else if (breakers >= METHODS || retries >= METHODS) {
					throw new IllegalStateException("resilience4j created " + breakers + " breakers and " + retries
							+ " retries before any call: its instances are not created on first call");
				}
			}
		}

		private static void expectAtLeast(String what, int actual, int expected) {
			if (actual < expected) {
				throw new IllegalStateException(actual + " " + what + " instead of at least " + expected);
			}
		}

	}

	/** The 200 methods' beans, plain: no resilience library reads their annotations. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(AopAutoConfiguration.class)
	@Import({ OursStartupBeans.Bean0.class, OursStartupBeans.Bean1.class, OursStartupBeans.Bean2.class,
			OursStartupBeans.Bean3.class, OursStartupBeans.Bean4.class, OursStartupBeans.Bean5.class,
			OursStartupBeans.Bean6.class, OursStartupBeans.Bean7.class, OursStartupBeans.Bean8.class,
			OursStartupBeans.Bean9.class })
	static class Baseline {

	}

	/** The same beans with our starter's annotation support, as a user gets it. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ AopAutoConfiguration.class, ResilienceAutoConfiguration.class })
	@Import({ OursStartupBeans.Bean0.class, OursStartupBeans.Bean1.class, OursStartupBeans.Bean2.class,
			OursStartupBeans.Bean3.class, OursStartupBeans.Bean4.class, OursStartupBeans.Bean5.class,
			OursStartupBeans.Bean6.class, OursStartupBeans.Bean7.class, OursStartupBeans.Bean8.class,
			OursStartupBeans.Bean9.class })
	static class Ours {

	}

	/** The same shape of beans with resilience4j's breaker and retry annotations. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ AopAutoConfiguration.class, CircuitBreakerAutoConfiguration.class,
			RetryAutoConfiguration.class })
	@Import({ R4jStartupBeans.Bean0.class, R4jStartupBeans.Bean1.class, R4jStartupBeans.Bean2.class,
			R4jStartupBeans.Bean3.class, R4jStartupBeans.Bean4.class, R4jStartupBeans.Bean5.class,
			R4jStartupBeans.Bean6.class, R4jStartupBeans.Bean7.class, R4jStartupBeans.Bean8.class,
			R4jStartupBeans.Bean9.class })
	static class Resilience4j {

	}

}
