package dev.resilience.spring.autoconfigure;

import java.time.Duration;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencyPurger;
import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencyStore;

/**
 * Deletes a JDBC store's expired rows in batches of 1000, once a minute. Imported after
 * the store configurations, so that it sees the JDBC store they (or the application)
 * defined.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(JdbcTemplate.class)
@ConditionalOnBean(JdbcIdempotencyStore.class)
class JdbcPurgeConfiguration {

	@Bean
	@ConditionalOnMissingBean
	JdbcIdempotencyPurger resilienceJdbcIdempotencyPurger(JdbcIdempotencyStore store) {
		return new JdbcIdempotencyPurger(store, Duration.ofMinutes(1), 1000);
	}

}
