package dev.resilience.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;

import dev.resilience.ResilienceRegistry;
import dev.resilience.chaos.ChaosRegistry;
import dev.resilience.spring.actuate.ChaosOperationInvokerAdvisor;
import dev.resilience.spring.actuate.ResilienceEndpoint;
import dev.resilience.spring.actuate.ResilienceEndpointWebExtension;

/**
 * The {@code resilience} Actuator endpoint and its web extension, when the endpoint is
 * available (enabled and exposed). State changes through it (breaker states, chaos
 * faults) follow {@code resilience.actuator.state-changes-enabled}, off by default.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(ResilienceRegistry.class)
@ConditionalOnAvailableEndpoint(endpoint = ResilienceEndpoint.class)
public class ResilienceEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ResilienceEndpoint resilienceEndpoint(ResilienceRegistry registry, ResilienceProperties properties,
			ObjectProvider<ChaosRegistry> chaos, ResourceLoader resourceLoader) {
		return new ResilienceEndpoint(registry, properties.getActuator().isStateChangesEnabled(),
				chaos.getIfAvailable(), resourceLoader.getClassLoader());
	}

	/**
	 * {@code POST /actuator/resilience/chaos/{name}}, whose YAML-style fields an
	 * operation method cannot take.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ResilienceEndpoint.class)
	ChaosOperationInvokerAdvisor resilienceChaosOperationInvokerAdvisor(ObjectProvider<ResilienceEndpoint> endpoint) {
		return new ChaosOperationInvokerAdvisor(endpoint::getObject);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ResilienceEndpoint.class)
	ResilienceEndpointWebExtension resilienceEndpointWebExtension(ResilienceEndpoint endpoint) {
		return new ResilienceEndpointWebExtension(endpoint);
	}

}
