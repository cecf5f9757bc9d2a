package dev.resilience.spring.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** The condition of {@link ConditionalOnResilienceHealthContributor}. */
class OnResilienceHealthContributorCondition extends SpringBootCondition {

	private static final String DEFAULTS = "management.health.defaults.enabled";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Map<String, Object> attributes = metadata
			.getAnnotationAttributes(ConditionalOnResilienceHealthContributor.class.getName());
		String key = "resilience.health." + attributes.get("value") + ".enabled";
		ConditionMessage.Builder message = ConditionMessage.forCondition(ConditionalOnResilienceHealthContributor.class,
				key);
		Binder binder = Binder.get(context.getEnvironment());
		Boolean own = binder.bind(key, Boolean.class).orElse(null);
		if (own != null) {
			return new ConditionOutcome(own, message.because(key + " is " + own));
		}
		boolean defaults = binder.bind(DEFAULTS, Boolean.class).orElse(true);
		return new ConditionOutcome(defaults, message.because(key + " is unset and " + DEFAULTS + " is " + defaults));
	}

}
