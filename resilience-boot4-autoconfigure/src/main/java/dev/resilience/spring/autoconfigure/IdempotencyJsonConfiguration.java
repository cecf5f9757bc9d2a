package dev.resilience.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import dev.resilience.spring.idempotency.IdempotencyJson;
import dev.resilience.spring.idempotency.JacksonIdempotencyJson;

/**
 * The JSON of idempotent results and fingerprints on the Boot 4 line: Jackson 3, from the
 * application's {@link JsonMapper} when it has one (Boot 4's
 * {@code JacksonAutoConfiguration} provides one, with the application's
 * {@code spring.jackson.*} settings and modules), else from Jackson's default mapper.
 * Either way the mapper itself is never changed: the codec and the fingerprints work on
 * copies.
 */
@Configuration(proxyBeanMethods = false)
class IdempotencyJsonConfiguration {

	@Bean
	@ConditionalOnMissingBean
	IdempotencyJson resilienceIdempotencyJson(ObjectProvider<JsonMapper> jsonMapper) {
		return new JacksonIdempotencyJson(jsonMapper.getIfAvailable(JsonMapper::shared));
	}

}
