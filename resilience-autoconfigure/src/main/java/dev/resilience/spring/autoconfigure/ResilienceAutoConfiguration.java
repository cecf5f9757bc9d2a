package dev.resilience.spring.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the resilience starter: binds {@code resilience.*} and validates it at
 * startup through {@link ResilienceConfigurations}, so that a bad value fails the application
 * before any call is made.
 */
@AutoConfiguration
@EnableConfigurationProperties(ResilienceProperties.class)
public class ResilienceAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ResilienceConfigurations resilienceConfigurations(ResilienceProperties properties) {
		return new ResilienceConfigurations(properties);
	}

}
