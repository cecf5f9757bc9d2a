package dev.resilience.spring.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

import dev.resilience.ResilienceRegistry;

/**
 * Live reconfiguration with Spring Cloud Context: when an {@link EnvironmentChangeEvent}
 * (after {@code /actuator/refresh}, a {@code ContextRefresher} refresh or a change pushed
 * by Spring Cloud Config) reports keys under {@code resilience.}, a
 * {@link ResilienceReconfigurer} applies the change to the running instances, or refuses
 * it whole.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class)
@ConditionalOnClass(EnvironmentChangeEvent.class)
@ConditionalOnBean({ ResilienceRegistry.class, CurrentResilienceConfigurations.class })
public class ResilienceRefreshAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ResilienceReconfigurer resilienceReconfigurer(Environment environment, ResilienceRegistry registry,
			CurrentResilienceConfigurations current, ResourceLoader resourceLoader) {
		return new ResilienceReconfigurer(environment, registry, current, resourceLoader.getClassLoader());
	}

	@Bean
	EnvironmentChangeListener resilienceEnvironmentChangeListener(ResilienceReconfigurer reconfigurer) {
		return new EnvironmentChangeListener(reconfigurer);
	}

	/**
	 * Hands the keys of each environment change to the reconfigurer. First among the
	 * listeners: Spring Cloud's rebinding of configuration properties beans fails the
	 * refresh on a key it cannot bind, and the reason the change is refused is logged
	 * before that.
	 */
	static final class EnvironmentChangeListener implements ApplicationListener<EnvironmentChangeEvent>, Ordered {

		private final ResilienceReconfigurer reconfigurer;

		EnvironmentChangeListener(ResilienceReconfigurer reconfigurer) {
			this.reconfigurer = reconfigurer;
		}

		@Override
		public void onApplicationEvent(EnvironmentChangeEvent event) {
			this.reconfigurer.reconfigure(event.getKeys());
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

}
