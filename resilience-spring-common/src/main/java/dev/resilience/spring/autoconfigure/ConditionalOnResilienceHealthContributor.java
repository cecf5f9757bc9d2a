package dev.resilience.spring.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when one of the starter's health contributors is switched on:
 * {@code resilience.health.<value>.enabled}, or when unset
 * {@code management.health.defaults.enabled}, or else {@code true}. The switches live
 * under {@code resilience.health} so that no other library's switch (resilience4j reads
 * {@code management.health.circuitbreakers.enabled} and
 * {@code management.health.ratelimiters.enabled}) turns them on or off.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(OnResilienceHealthContributorCondition.class)
public @interface ConditionalOnResilienceHealthContributor {

	/**
	 * The contributor's key under {@code resilience.health}: {@code circuit-breakers},
	 * {@code retries}, {@code bulkheads}, {@code rate-limiters} or {@code timeouts}.
	 */
	String value();

}
