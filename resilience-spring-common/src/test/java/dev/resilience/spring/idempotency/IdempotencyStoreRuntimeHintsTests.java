package dev.resilience.spring.idempotency;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;
import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencyStoreRuntimeHints;
import dev.resilience.spring.idempotency.redis.RedisIdempotencyStoreRuntimeHints;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stores' scripts are resources an ahead-of-time processed application can still
 * read.
 */
class IdempotencyStoreRuntimeHintsTests {

	private static final List<String> SCRIPTS = List.of("dev/resilience/spring/idempotency/redis/claim.lua",
			"dev/resilience/spring/idempotency/redis/complete.lua", "dev/resilience/spring/idempotency/redis/renew.lua",
			"dev/resilience/spring/idempotency/redis/release.lua", "dev/resilience/spring/idempotency/redis/find.lua",
			"dev/resilience/spring/idempotency/jdbc/schema-postgresql.sql",
			"dev/resilience/spring/idempotency/jdbc/schema-h2.sql");

	@Test
	void everyStoreScriptIsRegisteredAsAResource() {
		RuntimeHints hints = new RuntimeHints();
		new RedisIdempotencyStoreRuntimeHints().registerHints(hints, getClass().getClassLoader());
		new JdbcIdempotencyStoreRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(SCRIPTS).allSatisfy((script) -> {
			assertThat(new ClassPathResource(script).exists()).as(script + " exists").isTrue();
			assertThat(RuntimeHintsPredicates.resource().forResource(script)).as(script).accepts(hints);
		});
	}

	@Test
	void eachStoreBeanImportsTheHintsOfItsStore() throws ClassNotFoundException {
		assertThat(importedHints("RedisStoreConfiguration")).containsExactly(RedisIdempotencyStoreRuntimeHints.class);
		assertThat(importedHints("JdbcStoreConfiguration")).containsExactly(JdbcIdempotencyStoreRuntimeHints.class);
	}

	/**
	 * The store configurations are package-private, as auto-configuration's nested
	 * configurations are.
	 */
	private static Class<?>[] importedHints(String configuration) throws ClassNotFoundException {
		Class<?> type = ClassUtils.forName(
				ResilienceIdempotencyAutoConfiguration.class.getPackageName() + "." + configuration,
				IdempotencyStoreRuntimeHintsTests.class.getClassLoader());
		return MergedAnnotations.from(ReflectionUtils.findMethod(type, "resilienceIdempotencyStore", (Class<?>[]) null))
			.get(ImportRuntimeHints.class)
			.synthesize()
			.value();
	}

}
