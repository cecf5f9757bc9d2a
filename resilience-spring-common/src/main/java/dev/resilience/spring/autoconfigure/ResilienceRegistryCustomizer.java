package dev.resilience.spring.autoconfigure;

import dev.resilience.ResilienceRegistry;

/**
 * Customizes the {@link ResilienceRegistry} before it is built, for what YAML cannot
 * express (a configuration computed in code for some names, say). Applied in order.
 */
@FunctionalInterface
public interface ResilienceRegistryCustomizer {

	void customize(ResilienceRegistry.Builder builder);

}
