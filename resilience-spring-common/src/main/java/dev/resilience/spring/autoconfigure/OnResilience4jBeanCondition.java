package dev.resilience.spring.autoconfigure;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** The condition of {@link ConditionalOnResilience4jBean}. */
class OnResilience4jBeanCondition extends SpringBootCondition implements ConfigurationCondition {

	static final String RESILIENCE4J_PACKAGE = "io.github.resilience4j.";

	@Override
	public ConfigurationPhase getConfigurationPhase() {
		return ConfigurationPhase.REGISTER_BEAN;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String name = (String) metadata.getAnnotationAttributes(ConditionalOnResilience4jBean.class.getName())
			.get("value");
		ConditionMessage.Builder message = ConditionMessage.forCondition(ConditionalOnResilience4jBean.class, name);
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (beanFactory == null || !beanFactory.containsBeanDefinition(name)) {
			return ConditionOutcome.noMatch(message.because("no bean of that name"));
		}
		Class<?> type = beanFactory.getType(name, false);
		if (type == null || !type.getName().startsWith(RESILIENCE4J_PACKAGE)) {
			return ConditionOutcome.noMatch(message.because("the bean of that name is not resilience4j's"));
		}
		return ConditionOutcome.match(message.because("resilience4j's " + type.getName() + " has that name"));
	}

}
