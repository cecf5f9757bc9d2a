package dev.resilience.spring.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;

/**
 * Lets a {@code @SpringBootTest} export metrics (Prometheus included), which Boot's test
 * support switches off by default; the Boot 4 line has an annotation of the same name.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@AutoConfigureObservability(tracing = false)
public @interface WithMetricsExport {

}
