package dev.resilience.spring.autoconfigure;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;

/**
 * Reports an {@link InvalidResiliencePropertyException} as a startup failure analysis:
 * the property, its value, the accepted range and, where the environment knows it, the
 * file and line the value came from.
 * <p>
 * Stateless apart from the environment it reads; thread-safe.
 */
class InvalidResiliencePropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidResiliencePropertyException> {

	private final Environment environment;

	InvalidResiliencePropertyFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidResiliencePropertyException cause) {
		StringBuilder description = new StringBuilder(cause.getMessage());
		Origin origin = findOrigin(cause.getPropertyName());
		if (origin != null) {
			description.append(System.lineSeparator()).append(System.lineSeparator()).append("Origin: ").append(origin);
		}
		String property = cause.getPropertyName();
		String action = "Update '" + property + "' in your application's configuration: it " + cause.getRequirement()
				+ "." + advice(property, cause.getInheritedBy());
		return new FailureAnalysis(description.toString(), action, cause);
	}

	private static String advice(String property, String inheritedBy) {
		int defaults = property.indexOf(".defaults.");
		if (inheritedBy != null && defaults >= 0) {
			String key = property.substring(defaults + ".defaults.".length());
			return " Or set '" + inheritedBy + "." + key + "' to override the inherited value for that instance alone.";
		}
		return property.contains(".instances") ? " Remove it to inherit the value of the pattern's defaults group."
				: " Remove it to use the built-in default.";
	}

	private Origin findOrigin(String propertyName) {
		if (this.environment == null || !ConfigurationPropertyName.isValid(propertyName)) {
			return null;
		}
		ConfigurationPropertyName name = ConfigurationPropertyName.of(propertyName);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty property = source.getConfigurationProperty(name);
			if (property != null) {
				return property.getOrigin();
			}
		}
		return null;
	}

}
