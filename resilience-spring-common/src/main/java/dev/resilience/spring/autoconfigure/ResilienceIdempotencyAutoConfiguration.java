package dev.resilience.spring.autoconfigure;

import java.time.Duration;
import java.util.concurrent.ExecutorService;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.ClassUtils;

import dev.resilience.ResilienceRegistry;
import dev.resilience.idempotency.Idempotency;
import dev.resilience.idempotency.IdempotencyListener;
import dev.resilience.idempotency.IdempotencyScope;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.spring.aop.IdempotencyStageFactory;
import dev.resilience.spring.idempotency.IdempotencyJson;
import dev.resilience.spring.idempotency.SecurityContextIdempotencyScope;
import dev.resilience.spring.idempotency.SpelIdempotencyStageFactory;
import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencyDialect;
import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencyPurger;
import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencySchemaInitializer;
import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencyStore;
import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencyStoreRuntimeHints;
import dev.resilience.spring.idempotency.redis.RedisIdempotencyStore;
import dev.resilience.spring.idempotency.redis.RedisIdempotencyStoreRuntimeHints;
import dev.resilience.spring.web.IdempotencyProblemDetailsAdvice;

/**
 * {@code @Idempotent} support: the store chosen by {@code resilience.idempotency.store}
 * ({@code memory} by default, {@code redis} or {@code jdbc}), the principal scope when Spring
 * Security is present, and the stage factory the annotation pipelines use. Asking for a store
 * whose library or connection is missing fails startup with a message naming what to add.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class, afterName = {
		// Boot 3.5
		"org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration",
		"org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
		"org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
		// Boot 4
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
@Import(IdempotencyJsonConfiguration.class)
public class ResilienceIdempotencyAutoConfiguration {

	private static final String REDIS = "org.springframework.data.redis.connection.RedisConnectionFactory";

	private static final String JDBC = "org.springframework.jdbc.core.JdbcTemplate";

	@Bean
	@ConditionalOnMissingBean
	@ImportRuntimeHints({ RedisIdempotencyStoreRuntimeHints.class, JdbcIdempotencyStoreRuntimeHints.class })
	IdempotencyStore resilienceIdempotencyStore(ResilienceProperties properties, ResilienceRegistry registry,
			ApplicationContext context) {
		ResilienceProperties.Idempotency idempotency = properties.getIdempotency();
		return switch (idempotency.getStore()) {
			case MEMORY -> new MemoryIdempotencyStore(idempotency.getMemory().getMaximumSize(),
					idempotency.getMemory().getMaximumMemory().toBytes(), registry.getTicker());
			case REDIS -> {
				requireClass(REDIS, "redis", "org.springframework.boot:spring-boot-starter-data-redis");
				yield RedisStores.create(context, idempotency);
			}
			case JDBC -> {
				requireClass(JDBC, "jdbc", "org.springframework.boot:spring-boot-starter-jdbc");
				yield JdbcStores.create(context, idempotency);
			}
		};
	}

	@Bean
	@ConditionalOnMissingBean
	IdempotencyScope resilienceIdempotencyScope(ResilienceProperties properties) {
		boolean security = ClassUtils.isPresent("org.springframework.security.core.context.SecurityContextHolder",
				getClass().getClassLoader());
		if (properties.getIdempotency().getScope() == ResilienceProperties.Idempotency.Scope.PRINCIPAL && security) {
			return SecurityScopes.create();
		}
		return IdempotencyScope.GLOBAL;
	}

	@Bean
	@ConditionalOnMissingBean
	IdempotencyStageFactory resilienceIdempotencyStageFactory(IdempotencyStore store, IdempotencyScope scope,
			ResilienceConfigurations configurations, ResilienceRegistry registry,
			IdempotencyJson json, ObjectProvider<IdempotencyListener> listeners,
			Environment environment) {
		return new SpelIdempotencyStageFactory(store, configurations::idempotency, scope, json, environment, registry.getTicker(),
				registry.getScheduler(), listeners.orderedStream().toList(), idempotencyIoExecutor(),
				registry.getContextPropagator());
	}

	/**
	 * Where asynchronous idempotent calls do their blocking store operations (polls, renewals,
	 * completion, release): a few daemon threads of their own, never the retry scheduler's or the
	 * thread that completed the method's stage. Bounded: when its queue is full (or once it is shut
	 * down) an operation gets a short-lived thread of its own, never the thread that asked. Not a
	 * bean, so that it never stands in for the application's executor; the stage factory shuts it
	 * down with the context.
	 */
	private static ExecutorService idempotencyIoExecutor() {
		return Idempotency.newIoExecutor();
	}

	private static void requireClass(String className, String store, String dependency) {
		if (!ClassUtils.isPresent(className, ResilienceIdempotencyAutoConfiguration.class.getClassLoader())) {
			throw new IllegalStateException("resilience.idempotency.store=" + store + " needs " + className
					+ " on the classpath: add the dependency " + dependency);
		}
	}

	/** Maps the problem+json statuses of SPEC §4; an application advice of its own replaces it. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(ProblemDetail.class)
	static class WebMvcConfiguration {

		@Bean
		@ConditionalOnMissingBean
		IdempotencyProblemDetailsAdvice idempotencyProblemDetailsAdvice() {
			return new IdempotencyProblemDetailsAdvice();
		}

	}

	/** Deletes the JDBC store's expired rows in batches of 1000, once a minute. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcTemplate.class)
	@ConditionalOnProperty(prefix = "resilience.idempotency", name = "store", havingValue = "jdbc")
	static class JdbcPurgeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JdbcIdempotencyPurger resilienceJdbcIdempotencyPurger(IdempotencyStore store) {
			return (store instanceof JdbcIdempotencyStore jdbc)
					? new JdbcIdempotencyPurger(jdbc, Duration.ofMinutes(1), 1000) : null;
		}

	}

	/** Loaded only when Redis is chosen and present. */
	private static final class RedisStores {

		static IdempotencyStore create(ApplicationContext context, ResilienceProperties.Idempotency properties) {
			RedisConnectionFactory connectionFactory = context.getBeanProvider(RedisConnectionFactory.class)
				.getIfAvailable();
			if (connectionFactory == null) {
				throw new IllegalStateException("resilience.idempotency.store=redis needs a RedisConnectionFactory"
						+ " bean: configure spring.data.redis.* (host, port) with spring-boot-starter-data-redis");
			}
			return new RedisIdempotencyStore(connectionFactory, properties.getKeyPrefix());
		}

	}

	/** Loaded only when JDBC is chosen and present. */
	private static final class JdbcStores {

		static IdempotencyStore create(ApplicationContext context, ResilienceProperties.Idempotency properties) {
			DataSource dataSource = context.getBeanProvider(DataSource.class).getIfAvailable();
			if (dataSource == null) {
				throw new IllegalStateException("resilience.idempotency.store=jdbc needs a DataSource bean:"
						+ " configure spring.datasource.* with spring-boot-starter-jdbc and a JDBC driver");
			}
			String tableName = properties.getJdbc().getTableName();
			JdbcIdempotencyDialect dialect = JdbcIdempotencyDialect.of(dataSource);
			new JdbcIdempotencySchemaInitializer(dataSource, tableName, dialect)
				.initialize(properties.getJdbc().getInitializeSchema());
			return new JdbcIdempotencyStore(dataSource, tableName, dialect);
		}

	}

	/** Loaded only when Spring Security is present. */
	private static final class SecurityScopes {

		static IdempotencyScope create() {
			return new SecurityContextIdempotencyScope();
		}

	}

}
