package dev.resilience.spring.aop;

import java.lang.reflect.Method;

import dev.resilience.Stage;
import dev.resilience.annotation.Idempotent;

/**
 * Builds the outermost stage of an {@link Idempotent} method at startup: compiles its
 * SpEL, picks its idempotency instance and result codec. Absent when no idempotency
 * support is configured, in which case an {@code @Idempotent} method fails startup.
 */
@FunctionalInterface
public interface IdempotencyStageFactory {

	/**
	 * @throws ResilienceAnnotationException when the annotation cannot work on this
	 * method
	 */
	NamedStage create(Method method, Class<?> targetClass, Idempotent annotation);

	/** A stage and the name it is described by. */
	record NamedStage(String name, Stage stage) {
	}

}
