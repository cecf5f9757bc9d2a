package dev.resilience.spring.idempotency;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.resilience.ResilienceRegistry;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;
import dev.resilience.spring.idempotency.PaymentService.ChargeCommand;
import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencyPurger;
import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencyStore;
import dev.resilience.spring.idempotency.redis.RedisIdempotencyStore;
import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code resilience.idempotency.store} selects exactly one store configuration; a store
 * the application defines wins over every one of them; a store that cannot be configured
 * fails startup instead of falling back to memory.
 */
class IdempotencyStoreAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class,
				ResilienceIdempotencyAutoConfiguration.class, BootLine.type(BootLine.JACKSON)));

	private final ApplicationContextRunner withDatabase = this.runner
		.withConfiguration(AutoConfigurations.of(BootLine.type(BootLine.DATA_SOURCE)))
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");

	@Test
	void memoryIsTheStoreWhenNoneIsChosen() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(IdempotencyStore.class)
			.getBean(IdempotencyStore.class)
			.isInstanceOf(MemoryIdempotencyStore.class));
	}

	@Test
	void eachPropertyValueSelectsItsOwnStore() {
		this.withDatabase.withBean(RedisConnectionFactory.class, LettuceConnectionFactory::new)
			.withPropertyValues("resilience.idempotency.store=memory")
			.run((context) -> assertThat(context).hasSingleBean(IdempotencyStore.class)
				.hasSingleBean(MemoryIdempotencyStore.class));
		this.withDatabase.withBean(RedisConnectionFactory.class, LettuceConnectionFactory::new)
			.withPropertyValues("resilience.idempotency.store=redis")
			.run((context) -> assertThat(context).hasSingleBean(IdempotencyStore.class)
				.hasSingleBean(RedisIdempotencyStore.class));
		this.withDatabase.withBean(RedisConnectionFactory.class, LettuceConnectionFactory::new)
			.withPropertyValues("resilience.idempotency.store=jdbc")
			.run((context) -> assertThat(context).hasSingleBean(IdempotencyStore.class)
				.hasSingleBean(JdbcIdempotencyStore.class));
	}

	@Test
	void registryKeepsEveryIdempotencyRecordInTheStoreBean() {
		this.withDatabase.withPropertyValues("resilience.idempotency.store=jdbc")
			.withBean(PaymentService.class)
			.run((context) -> {
				context.getBean(PaymentService.class).charge(new ChargeCommand("s-1", 5));
				assertThat(context.getBean(ResilienceRegistry.class).getIdempotencies()).isNotEmpty()
					.allSatisfy((instance) -> assertThat(instance.getStore())
						.isSameAs(context.getBean(IdempotencyStore.class)));
			});
	}

	@Test
	void storeDefinedByTheApplicationWinsWhateverStoreIsChosen() {
		IdempotencyStore own = new MemoryIdempotencyStore();
		for (String store : new String[] { "memory", "redis", "jdbc" }) {
			this.runner.withPropertyValues("resilience.idempotency.store=" + store)
				.withBean("ownStore", IdempotencyStore.class, () -> own)
				.withBean(PaymentService.class)
				.run((context) -> {
					assertThat(context).as(store).hasNotFailed().hasSingleBean(IdempotencyStore.class);
					assertThat(context.getBean(IdempotencyStore.class)).isSameAs(own);
					assertThat(context).doesNotHaveBean(JdbcIdempotencyPurger.class);
					context.getBean(PaymentService.class).charge(new ChargeCommand("own-" + store, 5));
					assertThat(context.getBean(ResilienceRegistry.class).getIdempotencies())
						.allSatisfy((instance) -> assertThat(instance.getStore()).isSameAs(own));
				});
		}
	}

	@Test
	void storeMayUseTheRegistryItsRecordsAreKeptFor() {
		this.runner.withUserConfiguration(BreakerGuardedStoreConfiguration.class)
			.withBean(PaymentService.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				context.getBean(PaymentService.class).charge(new ChargeCommand("r-1", 5));
				assertThat(context.getBean(ResilienceRegistry.class).getIdempotencies()).isNotEmpty()
					.allSatisfy((instance) -> assertThat(instance.getStore())
						.isSameAs(context.getBean(IdempotencyStore.class)));
			});
	}

	@Test
	void purgerRunsOnlyForTheJdbcStore() {
		this.withDatabase.run((context) -> assertThat(context).doesNotHaveBean(JdbcIdempotencyPurger.class));
		this.withDatabase.withBean(RedisConnectionFactory.class, LettuceConnectionFactory::new)
			.withPropertyValues("resilience.idempotency.store=redis")
			.run((context) -> assertThat(context).doesNotHaveBean(JdbcIdempotencyPurger.class));
		this.withDatabase.withPropertyValues("resilience.idempotency.store=jdbc")
			.run((context) -> assertThat(context).hasSingleBean(JdbcIdempotencyPurger.class));
	}

	@Test
	void jdbcStoreWithoutTheJdbcLibraryFailsStartupNamingTheDependency() {
		this.runner.withPropertyValues("resilience.idempotency.store=jdbc")
			.withClassLoader(new FilteredClassLoader("org.springframework.jdbc"))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("resilience.idempotency.store=jdbc needs org.springframework.jdbc.core.JdbcTemplate on"
						+ " the classpath: add the dependency org.springframework.boot:spring-boot-starter-jdbc"));
	}

	@Test
	void redisStoreWithoutTheRedisLibraryFailsStartupEvenWithADatabase() {
		this.withDatabase.withPropertyValues("resilience.idempotency.store=redis")
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("resilience.idempotency.store=redis needs"
						+ " org.springframework.data.redis.connection.RedisConnectionFactory on the classpath:"
						+ " add the dependency org.springframework.boot:spring-boot-starter-data-redis"));
	}

	@Test
	void redisStoreWithoutAConnectionFactoryNeverFallsBackToMemory() {
		this.withDatabase.withPropertyValues("resilience.idempotency.store=redis")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("resilience.idempotency.store=redis needs a RedisConnectionFactory bean: configure"
						+ " spring.data.redis.* (host, port) with spring-boot-starter-data-redis"));
	}

	@Test
	void valueThatNamesNoStoreFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("resilience.idempotency.store=mongo")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining(BindException.class.getName())
				.hasStackTraceContaining("resilience.idempotency.store"));
	}

	/**
	 * A store built on the registry, as one protected by a breaker of its own would be.
	 */
	@Configuration(proxyBeanMethods = false)
	static class BreakerGuardedStoreConfiguration {

		@Bean
		IdempotencyStore breakerGuardedStore(ResilienceRegistry registry) {
			registry.circuitBreaker("store");
			return new MemoryIdempotencyStore();
		}

	}

}
