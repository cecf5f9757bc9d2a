package dev.resilience.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.resilience.idempotency.IdempotencyStore;

/**
 * Reached only when no store configuration matched and the application defines no store:
 * the chosen store's library is missing. Its store bean fails startup naming the
 * dependency to add, so that a store asked for is never silently replaced by another.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean(IdempotencyStore.class)
class UnavailableStoreConfiguration {

	@Bean
	IdempotencyStore resilienceIdempotencyStore(Environment environment) {
		throw IdempotencyStoreConfigurations.unavailable(IdempotencyStoreConfigurations.getChosenType(environment));
	}

}
