package dev.resilience.spring.idempotency;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code resilience.idempotency.store=memory}, the default, and its two bounds. */
class MemoryStoreAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ResilienceAutoConfiguration.class, ResilienceIdempotencyAutoConfiguration.class));

	@Test
	void memoryStoreIsBoundedByTheDefaultCountAndBytes() {
		this.runner.run((context) -> assertThat(context.getBean(IdempotencyStore.class))
			.isInstanceOf(MemoryIdempotencyStore.class)
			.hasToString("MemoryIdempotencyStore[maximumSize=100000, maximumMemory=67108864]"));
	}

	@Test
	void memoryStoreTakesBothBoundsFromProperties() {
		this.runner
			.withPropertyValues("resilience.idempotency.memory.maximum-size=500",
					"resilience.idempotency.memory.maximum-memory=1MB")
			.run((context) -> assertThat(context.getBean(IdempotencyStore.class))
				.hasToString("MemoryIdempotencyStore[maximumSize=500, maximumMemory=1048576]"));
	}

	@Test
	void memoryStoreNeedsNoCacheLibrary() {
		this.runner.withClassLoader(new FilteredClassLoader("com.github.benmanes.caffeine"))
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(IdempotencyStore.class)
				.isInstanceOf(MemoryIdempotencyStore.class));
	}

}
