package dev.resilience.spring.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The annotated test class needs Redis on {@code 127.0.0.1:6379}. Without it the tests
 * are skipped with a message on standard error, or fail when
 * {@code RESILIENCE_REQUIRE_SERVICES=true}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Documented
@ExtendWith(LocalServices.RedisCondition.class)
public @interface RequiresRedis {

}
