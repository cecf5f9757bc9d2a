package dev.resilience.spring.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when the bean factory holds a bean of the given name whose type belongs to
 * resilience4j ({@code io.github.resilience4j}), read without loading resilience4j's
 * classes here: such a bean has taken a name the starter would otherwise use. Meant for
 * auto-configurations ordered after resilience4j's.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(OnResilience4jBeanCondition.class)
public @interface ConditionalOnResilience4jBean {

	/** The bean name, such as {@code circuitBreakersHealthIndicator}. */
	String value();

}
