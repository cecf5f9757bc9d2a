package dev.resilience.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.resilience.ResilienceRegistry;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.MemoryIdempotencyStore;

/**
 * The in-memory store, the default: bounded by {@code resilience.idempotency.memory.*},
 * timed by the registry's ticker.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean(IdempotencyStore.class)
@Conditional(IdempotencyStoreCondition.class)
class MemoryStoreConfiguration {

	@Bean
	MemoryIdempotencyStore resilienceIdempotencyStore(ResilienceProperties properties, ResilienceRegistry registry) {
		var memory = properties.getIdempotency().getMemory();
		return new MemoryIdempotencyStore(memory.getMaximumSize(), memory.getMaximumMemory().toBytes(),
				registry.getTicker());
	}

}
