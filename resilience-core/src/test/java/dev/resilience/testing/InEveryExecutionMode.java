package dev.resilience.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the annotated test once per {@link ExecutionMode}, passing the mode as its
 * parameter:
 * {@code @InEveryExecutionMode void retriesUntilAnAttemptSucceeds(ExecutionMode mode)}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ParameterizedTest(name = "{0}")
@EnumSource(ExecutionMode.class)
public @interface InEveryExecutionMode {

}
