package dev.resilience.spring.ratelimiter.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.resilience.ResilienceRegistry;
import dev.resilience.ratelimiter.PermitStore;
import dev.resilience.ratelimiter.RateLimiter;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Startup with limiters of cluster scope: a missing Redis library or connection, a
 * connection that is not Lettuce's, and values out of range each fail startup naming what
 * to fix; a configuration without a cluster scope creates no store; an application's own
 * store wins.
 */
class ClusterScopeConfigurationTests {

	private static final String PARTNER = "resilience.rate-limiter.instances.partner.";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

	private final ApplicationContextRunner withRedis = this.runner.withBean(RedisConnectionFactory.class,
			() -> new LettuceConnectionFactory("127.0.0.1", 1));

	@Test
	void aClusterScopeWithoutSpringDataRedisFailsStartupNamingTheDependency() {
		this.runner.withPropertyValues(PARTNER + "scope=cluster")
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis", "io.lettuce"))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage(PARTNER + "scope=cluster keeps its permits in Redis and needs Spring Data Redis with"
						+ " Lettuce: add spring-boot-starter-data-redis and configure spring.data.redis.* (host,"
						+ " port)"));
	}

	@Test
	void aClusterScopeInDefaultsWithoutAConnectionFactoryFailsStartupNamingTheProperties() {
		this.runner.withPropertyValues("resilience.rate-limiter.defaults.scope=cluster")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessage("resilience.rate-limiter.defaults.scope=cluster needs a RedisConnectionFactory bean:"
						+ " configure spring.data.redis.* (host, port) with spring-boot-starter-data-redis"));
	}

	@Test
	void aConnectionFactoryOtherThanLettucesFailsStartupNamingIt() {
		RedisConnectionFactory other = Mockito.mock(RedisConnectionFactory.class);
		this.runner.withPropertyValues(PARTNER + "scope=cluster")
			.withBean(RedisConnectionFactory.class, () -> other)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageStartingWith(PARTNER + "scope=cluster needs Lettuce, Spring Boot's default Redis client,"
						+ " but the RedisConnectionFactory is a " + other.getClass().getName()));
	}

	@Test
	void periodsAndLimitsOutOfRangeForAClusterFailStartupNamingTheKey() {
		assertFailure(
				this.withRedis.withPropertyValues(PARTNER + "scope=cluster", PARTNER + "limit-refresh-period=500us"),
				PARTNER + "limit-refresh-period", "between 1ms and 1d");
		assertFailure(this.withRedis.withPropertyValues(PARTNER + "scope=cluster", PARTNER + "limit-refresh-period=2d"),
				PARTNER + "limit-refresh-period", "between 1ms and 1d");
		assertFailure(
				this.withRedis.withPropertyValues(PARTNER + "scope=cluster", PARTNER + "limit-for-period=2000",
						PARTNER + "limit-refresh-period=1ms"),
				PARTNER + "limit-for-period", "at most one permit per microsecond");
		assertFailure(this.withRedis.withPropertyValues(PARTNER + "scope=cluster", PARTNER + "store-timeout=6s"),
				PARTNER + "store-timeout", "at most 5s");
		assertFailure(this.withRedis.withPropertyValues(PARTNER + "scope=cluster", PARTNER + "store-timeout=0ms"),
				PARTNER + "store-timeout", "positive");
	}

	@Test
	void storeKeysOnALimiterOfInstanceScopeFailStartup() {
		assertFailure(this.runner.withPropertyValues(PARTNER + "on-store-unavailable=deny"),
				PARTNER + "on-store-unavailable", "applies only to a rate limiter of scope cluster");
		assertFailure(
				this.runner.withPropertyValues("resilience.rate-limiter.defaults.scope=instance",
						"resilience.rate-limiter.defaults.store-timeout=50ms"),
				"resilience.rate-limiter.defaults.store-timeout", "applies only to a rate limiter of scope cluster");
	}

	@Test
	void anUnknownScopeFailsStartupNamingTheKey() {
		this.runner.withPropertyValues(PARTNER + "scope=fleet")
			.run((context) -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining(PARTNER + "scope"));
	}

	@Test
	void withoutAClusterScopeNoStoreIsCreatedEvenWithRedis() {
		this.withRedis.withPropertyValues(PARTNER + "limit-for-period=5").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(PermitStore.class);
			RateLimiter partner = context.getBean(ResilienceRegistry.class).rateLimiter("partner");
			assertThat(partner.getConfig().getScope()).isEqualTo(RateLimiterConfig.Scope.INSTANCE);
		});
	}

	@Test
	void defaultsOfClusterScopeMakeEveryUndeclaredLimiterShareTheStore() {
		this.withRedis
			.withPropertyValues("resilience.rate-limiter.defaults.scope=cluster",
					"resilience.rate-limiter.defaults.on-store-unavailable=deny")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(RedisPermitStore.class);
				RateLimiter late = context.getBean(ResilienceRegistry.class).rateLimiter("created-later");
				assertThat(late.getConfig().getScope()).isEqualTo(RateLimiterConfig.Scope.CLUSTER);
				assertThat(late.getConfig().getOnStoreUnavailable())
					.isEqualTo(RateLimiterConfig.OnStoreUnavailable.DENY);
				assertThat(late.getMetrics().isStoreAvailable()).isTrue();
			});
	}

	@Test
	void anApplicationsOwnStoreWins() {
		PermitStore own = new PermitStore() {

			@Override
			public PermitDecision acquire(PermitRequest request) {
				return PermitDecision.refused(42, 0);
			}

			@Override
			public CompletionStage<PermitDecision> acquireAsync(PermitRequest request) {
				return CompletableFuture.completedFuture(acquire(request));
			}

		};
		this.runner.withPropertyValues(PARTNER + "scope=cluster")
			.withBean(PermitStore.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed().getBean(PermitStore.class).isSameAs(own);
				RateLimiter partner = context.getBean(ResilienceRegistry.class).rateLimiter("partner");
				assertThat(partner.tryAcquirePermission()).isFalse();
				assertThat(partner.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
			});
	}

	private static void assertFailure(ApplicationContextRunner runner, String property, String requirement) {
		runner.run((context) -> assertThat(context).hasFailed()
			.getFailure()
			.hasStackTraceContaining("for '" + property + "': ")
			.hasStackTraceContaining(requirement));
	}

}
