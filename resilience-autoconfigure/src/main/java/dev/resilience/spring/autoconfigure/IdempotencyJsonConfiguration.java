package dev.resilience.spring.autoconfigure;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.spring.idempotency.IdempotencyJson;
import dev.resilience.spring.idempotency.JacksonIdempotencyJson;

/**
 * The JSON of idempotent results and fingerprints on the Boot 3.5 line: Jackson 2, from
 * the application's {@link ObjectMapper} when it has one.
 */
@Configuration(proxyBeanMethods = false)
class IdempotencyJsonConfiguration {

	@Bean
	@ConditionalOnMissingBean
	IdempotencyJson resilienceIdempotencyJson(ObjectProvider<ObjectMapper> objectMapper) {
		return new JacksonIdempotencyJson(objectMapper.getIfAvailable(ObjectMapper::new));
	}

}
