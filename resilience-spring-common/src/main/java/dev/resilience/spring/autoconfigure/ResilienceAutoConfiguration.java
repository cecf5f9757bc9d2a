package dev.resilience.spring.autoconfigure;

import io.micrometer.context.ContextSnapshotFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.http.ProblemDetail;

import dev.resilience.ContextPropagator;
import dev.resilience.Resilience;
import dev.resilience.ResilienceRegistry;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.bulkhead.BulkheadListener;
import dev.resilience.bulkhead.LimitAlgorithm;
import dev.resilience.chaos.Chaos;
import dev.resilience.chaos.ChaosListener;
import dev.resilience.chaos.ChaosRegistry;
import dev.resilience.circuitbreaker.CircuitBreakerListener;
import dev.resilience.fallback.FallbackListener;
import dev.resilience.hedge.HedgeListener;
import dev.resilience.idempotency.IdempotencyListener;
import dev.resilience.ratelimiter.PermitStore;
import dev.resilience.ratelimiter.RateLimiterListener;
import dev.resilience.retry.RetryListener;
import dev.resilience.spring.aop.DeclaredInstances;
import dev.resilience.spring.aop.IdempotencyStageFactory;
import dev.resilience.spring.aop.MethodPipelineFactory;
import dev.resilience.spring.aop.ResilienceAnnotationBeanPostProcessor;
import dev.resilience.spring.aop.ResilienceMethodInterceptor;
import dev.resilience.spring.bulkhead.NetflixLimitAlgorithms;
import dev.resilience.spring.coexistence.Resilience4jCoexistence;
import dev.resilience.spring.context.MicrometerContextPropagator;
import dev.resilience.spring.logging.CircuitBreakerTransitionLogger;
import dev.resilience.spring.web.RateLimiterProblemDetailsAdvice;
import dev.resilience.timeout.TimeoutListener;

/**
 * Auto-configuration of the resilience starter: binds {@code resilience.*} and validates
 * it at startup through {@link ResilienceConfigurations}, creates the
 * {@link ResilienceRegistry} of named instances, and proxies the beans that carry
 * resilience annotations, building each method's pipeline when the bean is created.
 * <p>
 * Every listener bean is attached to every instance of its kind, and every
 * {@link FallbackListener} bean is told of every fallback.
 * <p>
 * In a web application, a {@link RateLimiterProblemDetailsAdvice} answers a rate
 * limiter's refusal with {@code 429}.
 * <p>
 * Time and waiting come from {@link Ticker} and {@link Scheduler} beans when the
 * application defines them (tests do), from the system otherwise.
 */
@AutoConfiguration
@EnableConfigurationProperties(ResilienceProperties.class)
@Import(RedisPermitStoreConfiguration.class)
public class ResilienceAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ResilienceConfigurations resilienceConfigurations(ResilienceProperties properties) {
		return new ResilienceConfigurations(properties);
	}

	/**
	 * The configurations in force, those of startup until a live reconfiguration replaces
	 * them (see {@link ResilienceRefreshAutoConfiguration}).
	 */
	@Bean
	@ConditionalOnMissingBean
	CurrentResilienceConfigurations resilienceCurrentConfigurations(ResilienceConfigurations configurations) {
		return new CurrentResilienceConfigurations(configurations);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ResilienceRegistry resilienceRegistry(ResilienceConfigurations configurations,
			CurrentResilienceConfigurations current, ObjectProvider<Ticker> ticker, ObjectProvider<Scheduler> scheduler,
			ObjectProvider<ContextPropagator> contextPropagator,
			ObjectProvider<ResilienceRegistryCustomizer> customizers, ObjectProvider<PermitStore> permitStore) {
		ResilienceRegistry.Builder builder = ResilienceRegistry.builder()
			.ticker(ticker.getIfAvailable(Ticker::system))
			.scheduler(scheduler.getIfAvailable(Scheduler::system))
			.contextPropagator(contextPropagator.getIfAvailable(() -> ContextPropagator.NONE))
			.circuitBreakerConfigs((name) -> current.get().circuitBreaker(name))
			.retryConfigs((name) -> current.get().retry(name))
			.bulkheadConfigs((name) -> current.get().bulkhead(name))
			.rateLimiterConfigs((name) -> current.get().rateLimiter(name))
			.timeoutConfigs((name) -> current.get().timeout(name))
			.hedgeConfigs((name) -> current.get().hedge(name))
			.idempotencyConfigs((name) -> current.get().idempotency(name));
		String clusterScope = configurations.clusterScopeProperty();
		if (clusterScope != null) {
			builder.permitStore(permitStore.getIfAvailable(() -> {
				throw new IllegalStateException(clusterScope + "=cluster keeps its permits in Redis and needs Spring"
						+ " Data Redis with Lettuce: add spring-boot-starter-data-redis and configure"
						+ " spring.data.redis.* (host, port)");
			}));
		}
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		ResilienceRegistry registry = builder.build();
		createDeclaredInstances(registry, configurations);
		return registry;
	}

	/**
	 * The algorithms of {@code type: adaptive} bulkheads; an application's own
	 * {@link LimitAlgorithm.Factory} bean replaces these.
	 */
	@Bean
	@ConditionalOnMissingBean
	LimitAlgorithm.Factory resilienceLimitAlgorithms() {
		return new NetflixLimitAlgorithms();
	}

	@Bean
	ResilienceRegistryCustomizer resilienceLimitAlgorithmsCustomizer(LimitAlgorithm.Factory limitAlgorithms) {
		return (builder) -> builder.limitAlgorithms(limitAlgorithms);
	}

	/**
	 * Every instance named under {@code instances} exists from startup, used by a method
	 * yet or not, so that health, metrics and the actuator endpoint show what the
	 * configuration declares.
	 */
	private static void createDeclaredInstances(ResilienceRegistry registry, ResilienceConfigurations configurations) {
		configurations.circuitBreakerInstanceNames().forEach(registry::circuitBreaker);
		configurations.retryInstanceNames().forEach(registry::retry);
		configurations.bulkheadInstanceNames().forEach(registry::bulkhead);
		configurations.rateLimiterInstanceNames().forEach(registry::rateLimiter);
		configurations.timeoutInstanceNames().forEach(registry::timeout);
		configurations.hedgeInstanceNames().forEach(registry::hedge);
	}

	@Bean
	@ConditionalOnMissingBean
	CircuitBreakerTransitionLogger resilienceCircuitBreakerTransitionLogger(ResilienceRegistry registry) {
		CircuitBreakerTransitionLogger logger = new CircuitBreakerTransitionLogger();
		registry.addListener(logger);
		return logger;
	}

	/**
	 * Every listener bean of a kind of instance ({@link CircuitBreakerListener},
	 * {@link RetryListener}, {@link BulkheadListener}, {@link RateLimiterListener},
	 * {@link TimeoutListener}, {@link HedgeListener}, {@link IdempotencyListener})
	 * attached to every instance of that kind, those created after startup included.
	 * Never lazy: with lazy initialization nothing else might ask for it.
	 */
	@Bean
	@Lazy(false)
	ListenerBeans resilienceListenerBeans(ResilienceRegistry registry,
			ObjectProvider<CircuitBreakerListener> circuitBreakerListeners,
			ObjectProvider<RetryListener> retryListeners, ObjectProvider<BulkheadListener> bulkheadListeners,
			ObjectProvider<RateLimiterListener> rateLimiterListeners, ObjectProvider<TimeoutListener> timeoutListeners,
			ObjectProvider<HedgeListener> hedgeListeners, ObjectProvider<IdempotencyListener> idempotencyListeners) {
		ListenerBeans listeners = new ListenerBeans(circuitBreakerListeners, retryListeners, bulkheadListeners,
				rateLimiterListeners, timeoutListeners, hedgeListeners, idempotencyListeners);
		registry.addListener(listeners);
		return listeners;
	}

	@Bean
	@ConditionalOnMissingBean
	Resilience resilience(ResilienceRegistry registry) {
		return Resilience.of(registry);
	}

	/**
	 * Takes the {@link ListenerBeans} so that the listener beans are attached before the
	 * first annotated bean is built, and so hear its first calls.
	 */
	@Bean
	@ConditionalOnMissingBean
	MethodPipelineFactory resilienceMethodPipelineFactory(ResilienceRegistry registry, Environment environment,
			ResilienceConfigurations configurations, ObjectProvider<FallbackListener> fallbackListener,
			ObjectProvider<IdempotencyStageFactory> idempotencyStageFactory, ObjectProvider<ChaosRegistry> chaos,
			ListenerBeans listenerBeans) {
		MethodPipelineFactory factory = new MethodPipelineFactory(registry, environment,
				declaredInstances(configurations), FallbackListeners.of(fallbackListener.orderedStream().toList()),
				idempotencyStageFactory.getIfAvailable());
		factory.setChaosRegistry(chaos.getIfAvailable());
		return factory;
	}

	/**
	 * {@code resilience.chaos.*}, checked at startup whether chaos is enabled or not.
	 */
	@Bean
	@ConditionalOnMissingBean
	ChaosConfigurations resilienceChaosConfigurations(ResilienceProperties properties, ResourceLoader resourceLoader) {
		return new ChaosConfigurations(properties.getChaos(), resourceLoader.getClassLoader());
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static ResilienceAnnotationBeanPostProcessor resilienceAnnotationBeanPostProcessor(
			ObjectProvider<MethodPipelineFactory> pipelineFactory) {
		return new ResilienceAnnotationBeanPostProcessor(new ResilienceMethodInterceptor(pipelineFactory::getObject));
	}

	private static DeclaredInstances declaredInstances(ResilienceConfigurations configurations) {
		return (kind, name) -> switch (kind) {
			case CIRCUIT_BREAKER -> configurations.circuitBreakerInstanceNames().contains(name);
			case RETRY -> configurations.retryInstanceNames().contains(name);
			case BULKHEAD -> configurations.bulkheadInstanceNames().contains(name);
			case RATE_LIMITER -> configurations.rateLimiterInstanceNames().contains(name);
			case TIMEOUT -> configurations.timeoutInstanceNames().contains(name);
			case HEDGE -> configurations.hedgeInstanceNames().contains(name);
			case IDEMPOTENCY -> configurations.idempotencyInstanceNames().contains(name);
		};
	}

	/**
	 * A rate limiter's refusal escaping a controller, Spring MVC or WebFlux, answers
	 * {@code 429} with {@code Retry-After}; an application's own handler wins.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication
	@ConditionalOnClass(ProblemDetail.class)
	static class WebConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RateLimiterProblemDetailsAdvice rateLimiterProblemDetailsAdvice() {
			return new RateLimiterProblemDetailsAdvice();
		}

	}

	/**
	 * Chaos injection, only with {@code resilience.chaos.enabled=true}: without it no
	 * method gets a chaos stage, so chaos costs nothing.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(prefix = "resilience.chaos", name = "enabled", havingValue = "true")
	static class ChaosConfiguration {

		private static final Log logger = LogFactory.getLog("dev.resilience.chaos");

		@Bean
		@ConditionalOnMissingBean
		ChaosRegistry resilienceChaosRegistry(ChaosConfigurations configurations, ResilienceRegistry registry,
				ObjectProvider<ChaosListener> listeners) {
			String faults = configurations.describeFaults();
			logger.warn("Chaos injection is enabled (resilience.chaos.enabled=true): "
					+ (faults.isEmpty() ? "no instance has faults configured" : "injecting faults into " + faults)
					+ "; faults can be switched on for any instance name at runtime through"
					+ " POST /actuator/resilience/chaos/{name} when state changes are enabled."
					+ " Do not leave it enabled where real users are served by accident.");
			ChaosRegistry chaos = new ChaosRegistry(configurations::config, registry.getScheduler(),
					registry.getContextPropagator(), Chaos.threadLocalRandom());
			// Every ChaosListener bean, on every chaos instance, present and future.
			listeners.orderedStream().forEach(chaos::addListener);
			return chaos;
		}

	}

	/**
	 * resilience4j beside the starter, as during a migration: one startup line on the
	 * instance names both libraries use, and one on health names (see
	 * {@link Resilience4jCoexistence}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.github.resilience4j.core.Registry")
	static class Resilience4jCoexistenceConfiguration {

		@Bean
		@ConditionalOnMissingBean
		Resilience4jCoexistence resilienceResilience4jCoexistence(ResilienceRegistry registry,
				ResilienceProperties properties, Environment environment, ConfigurableListableBeanFactory beanFactory) {
			return new Resilience4jCoexistence(registry, properties, environment, beanFactory);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ContextSnapshotFactory.class)
	static class ContextPropagationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ContextPropagator resilienceContextPropagator() {
			return new MicrometerContextPropagator();
		}

	}

}
