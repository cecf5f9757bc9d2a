package dev.resilience.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.core.type.AnnotationMetadata;

import dev.resilience.spring.autoconfigure.ResilienceProperties.Idempotency.StoreType;

/**
 * Matches the store configuration of the store {@code resilience.idempotency.store}
 * chooses ({@code memory} when it is not set), and no other.
 */
class IdempotencyStoreCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String sourceClass = (metadata instanceof AnnotationMetadata annotationMetadata)
				? annotationMetadata.getClassName() : "";
		ConditionMessage.Builder message = ConditionMessage.forCondition("Idempotency store", sourceClass);
		StoreType required = IdempotencyStoreConfigurations.getType(sourceClass);
		StoreType chosen;
		try {
			chosen = IdempotencyStoreConfigurations.getChosenType(context.getEnvironment());
		}
		catch (BindException ex) {
			return ConditionOutcome.noMatch(message.because("unknown store"));
		}
		if (chosen == required) {
			return ConditionOutcome
				.match(message.because(IdempotencyStoreConfigurations.value(chosen) + " store chosen"));
		}
		return ConditionOutcome
			.noMatch(message.because(IdempotencyStoreConfigurations.value(chosen) + " store chosen"));
	}

}
