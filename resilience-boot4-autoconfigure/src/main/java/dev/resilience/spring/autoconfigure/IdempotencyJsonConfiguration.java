package dev.resilience.spring.autoconfigure;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.spring.idempotency.IdempotencyJson;
import dev.resilience.spring.idempotency.JacksonIdempotencyJson;

/**
 * The JSON of idempotent results and fingerprints on the Boot 4 line: Jackson 3, from the
 * application's {@link JsonMapper} when it has one.
 */
@Configuration(proxyBeanMethods = false)
class IdempotencyJsonConfiguration {

	@Bean
	@ConditionalOnMissingBean
	IdempotencyJson resilienceIdempotencyJson(ObjectProvider<JsonMapper> objectMapper) {
		return new JacksonIdempotencyJson(objectMapper.getIfAvailable(JsonMapper::shared));
	}

}
