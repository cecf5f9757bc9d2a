package dev.resilience.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.http.ProblemDetail;
import org.springframework.util.ClassUtils;

import dev.resilience.ResilienceRegistry;
import dev.resilience.idempotency.IdempotencyScope;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.spring.aop.IdempotencyStageFactory;
import dev.resilience.spring.idempotency.IdempotencyJson;
import dev.resilience.spring.idempotency.SecurityContextIdempotencyScope;
import dev.resilience.spring.idempotency.SpelIdempotencyStageFactory;
import dev.resilience.spring.web.IdempotencyProblemDetailsAdvice;

/**
 * {@code @Idempotent} support: the store chosen by {@code resilience.idempotency.store}
 * ({@code memory} by default, {@code redis} or {@code jdbc}; one configuration per store,
 * each backing off when the application defines an {@link IdempotencyStore}) handed to
 * the {@link ResilienceRegistry}, the principal scope when Spring Security is present,
 * and the stage factory the annotation pipelines use. Asking for a store whose library or
 * connection is missing fails startup with a message naming what to add; it never falls
 * back to another store.
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
@Import({ IdempotencyJsonConfiguration.class,
		ResilienceIdempotencyAutoConfiguration.StoreConfigurationImportSelector.class,
		UnavailableStoreConfiguration.class, JdbcPurgeConfiguration.class })
public class ResilienceIdempotencyAutoConfiguration {

	/**
	 * Gives the registry the store bean, asked for when the first idempotency instance is
	 * created, so that a store may itself use the registry (its ticker, its breakers).
	 * Applied before the application's customizers.
	 */
	@Bean
	@Order(0)
	ResilienceRegistryCustomizer resilienceIdempotencyStoreCustomizer(ObjectProvider<IdempotencyStore> store) {
		return (builder) -> builder.idempotencyStore(store::getObject);
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
	IdempotencyStageFactory resilienceIdempotencyStageFactory(ResilienceRegistry registry, IdempotencyScope scope,
			IdempotencyJson json, Environment environment) {
		return new SpelIdempotencyStageFactory(registry, scope, json, environment);
	}

	/**
	 * Maps the exceptions to the problem+json statuses listed in
	 * {@code docs/idempotency.md}; an application advice of its own replaces it.
	 */
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

	/** The store configurations, in the order of their store types. */
	static class StoreConfigurationImportSelector implements ImportSelector {

		@Override
		public String[] selectImports(AnnotationMetadata importingClassMetadata) {
			return IdempotencyStoreConfigurations.getConfigurationClasses();
		}

	}

	/** Loaded only when Spring Security is present. */
	private static final class SecurityScopes {

		static IdempotencyScope create() {
			return new SecurityContextIdempotencyScope();
		}

	}

}
