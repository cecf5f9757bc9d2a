package dev.resilience.spring.autoconfigure;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.javapoet.ClassName;
import org.springframework.util.ReflectionUtils;

import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Idempotent;
import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application with the resilience auto-configuration processed ahead of time as Spring
 * Boot's build plugin does: the processor is found through
 * {@code META-INF/spring/aot.factories}, and the hints of the fallbacks and the
 * idempotent results reach the build, and the scripts of the store chosen at build time
 * (and only those: AOT fixes which store configuration applies).
 */
// onMethod(...): Spring Framework 7 deprecates it for onMethodInvocation(...), which 6.2
// lacks
@SuppressWarnings("deprecation")
class ResilienceAotProcessingTests {

	private static final List<String> LUA_SCRIPTS = List.of("dev/resilience/spring/idempotency/redis/claim.lua",
			"dev/resilience/spring/idempotency/redis/complete.lua", "dev/resilience/spring/idempotency/redis/renew.lua",
			"dev/resilience/spring/idempotency/redis/release.lua", "dev/resilience/spring/idempotency/redis/find.lua");

	private static final List<String> SQL_SCRIPTS = List.of(
			"dev/resilience/spring/idempotency/jdbc/schema-postgresql.sql",
			"dev/resilience/spring/idempotency/jdbc/schema-h2.sql");

	@Test
	void applicationProcessedAheadOfTimeGetsEveryHint() {
		RuntimeHints hints = processAheadOfTime("memory");
		// declared by an interface: Spring's own hints cover the declared methods of a
		// class it proxies, so only ours make this one invocable
		Method fallback = ReflectionUtils.findMethod(OfflineAnswers.class, "offline", String.class);
		// not OrderDesk.audit, for the same reason
		Method unrelated = ReflectionUtils.findMethod(Clerk.class, "offline", String.class);
		Method accessor = ReflectionUtils.findMethod(Confirmation.class, "number");
		assertThat(RuntimeHintsPredicates.reflection().onMethod(fallback).invoke()).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethod(accessor).invoke()).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethod(unrelated).invoke()).rejects(hints);
		assertThat(scriptsIn(hints)).as("the memory store reads no script").isEmpty();
	}

	@Test
	void eachStoreChosenAtBuildTimeGetsItsScripts() {
		// AOT fixes the bean definitions, the chosen store's among them, when the
		// application is built
		assertThat(scriptsIn(processAheadOfTime("redis"))).containsExactlyInAnyOrderElementsOf(LUA_SCRIPTS);
		assertThat(scriptsIn(processAheadOfTime("jdbc"))).containsExactlyInAnyOrderElementsOf(SQL_SCRIPTS);
	}

	private static List<String> scriptsIn(RuntimeHints hints) {
		return Stream.concat(LUA_SCRIPTS.stream(), SQL_SCRIPTS.stream())
			.filter((script) -> RuntimeHintsPredicates.resource().forResource(script).test(hints))
			.toList();
	}

	private static RuntimeHints processAheadOfTime(String store) {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("test", Map.of("resilience.idempotency.store", store)));
			AnnotationConfigUtils.registerAnnotationConfigProcessors(context);
			// in the order auto-configuration would apply them
			context.registerBean(BootLine.type(BootLine.JACKSON));
			context.registerBean(ResilienceAutoConfiguration.class);
			context.registerBean(ResilienceIdempotencyAutoConfiguration.class);
			context.registerBean(OrderDesk.class);
			context.registerBean(Clerk.class);
			DefaultGenerationContext generationContext = new DefaultGenerationContext(
					new ClassNameGenerator(ClassName.get("com.example", "AotApplication")),
					new InMemoryGeneratedFiles());
			new ApplicationContextAotGenerator().processAheadOfTime(context, generationContext);
			return generationContext.getRuntimeHints();
		}
	}

	public record Confirmation(String number) {
	}

	public interface OfflineAnswers {

		default Confirmation offline(String orderId) {
			return new Confirmation("offline-" + orderId);
		}

	}

	public static class OrderDesk implements OfflineAnswers {

		@CircuitBreaker(name = "desk")
		@Fallback(method = "offline")
		@Idempotent(key = "#orderId")
		public Confirmation confirm(String orderId) {
			return new Confirmation(orderId);
		}

		public String audit(String orderId) {
			return orderId;
		}

	}

	/** No annotation: a method named like a fallback is nothing to the runtime. */
	public static class Clerk {

		public Confirmation offline(String orderId) {
			return new Confirmation(orderId);
		}

	}

}
