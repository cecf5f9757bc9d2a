package dev.resilience.spring.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencyDialect;
import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencySchemaInitializer;
import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencyStore;
import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencyStoreRuntimeHints;

/**
 * The JDBC store, on the application's {@link DataSource}, its table created as
 * {@code resilience.idempotency.jdbc.initialize-schema} says. Chosen without a data
 * source, it fails startup rather than fall back to another store.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(JdbcTemplate.class)
@ConditionalOnMissingBean(IdempotencyStore.class)
@Conditional(IdempotencyStoreCondition.class)
class JdbcStoreConfiguration {

	@Bean
	@ImportRuntimeHints(JdbcIdempotencyStoreRuntimeHints.class)
	JdbcIdempotencyStore resilienceIdempotencyStore(ObjectProvider<DataSource> dataSourceProvider,
			ResilienceProperties properties) {
		DataSource dataSource = dataSourceProvider.getIfAvailable();
		if (dataSource == null) {
			throw new IllegalStateException(IdempotencyStoreConfigurations.PROPERTY
					+ "=jdbc needs a DataSource bean: configure spring.datasource.* with spring-boot-starter-jdbc"
					+ " and a JDBC driver");
		}
		var jdbc = properties.getIdempotency().getJdbc();
		JdbcIdempotencyDialect dialect = JdbcIdempotencyDialect.of(dataSource);
		new JdbcIdempotencySchemaInitializer(dataSource, jdbc.getTableName(), dialect)
			.initialize(jdbc.getInitializeSchema());
		return new JdbcIdempotencyStore(dataSource, jdbc.getTableName(), dialect);
	}

}
