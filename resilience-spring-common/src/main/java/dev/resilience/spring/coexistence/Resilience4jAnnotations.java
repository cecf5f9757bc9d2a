package dev.resilience.spring.coexistence;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.core.annotation.AnnotationUtils;

/**
 * resilience4j's annotations, recognised by class name so that the starter needs no
 * resilience4j on its classpath: {@code @CircuitBreaker}, {@code @Retry},
 * {@code @Bulkhead}, {@code @RateLimiter} and {@code @TimeLimiter} of
 * {@code io.github.resilience4j.*.annotation}.
 */
public final class Resilience4jAnnotations {

	/** resilience4j's annotation class names, with the kind of instance each names. */
	static final Map<String, Resilience4jKind> KINDS = Map.of(
			"io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker", Resilience4jKind.CIRCUIT_BREAKER,
			"io.github.resilience4j.retry.annotation.Retry", Resilience4jKind.RETRY,
			"io.github.resilience4j.bulkhead.annotation.Bulkhead", Resilience4jKind.BULKHEAD,
			"io.github.resilience4j.ratelimiter.annotation.RateLimiter", Resilience4jKind.RATE_LIMITER,
			"io.github.resilience4j.timelimiter.annotation.TimeLimiter", Resilience4jKind.TIME_LIMITER);

	private Resilience4jAnnotations() {
	}

	/**
	 * The resilience4j annotations that apply to {@code method} called on
	 * {@code targetClass}: on the method, or on the class (resilience4j applies a class's
	 * annotation to its methods), method first.
	 */
	public static List<Annotation> on(Method method, Class<?> targetClass) {
		List<Annotation> found = new ArrayList<>(declaredOn(method));
		for (Annotation annotation : declaredOn(targetClass)) {
			if (found.stream().noneMatch((other) -> other.annotationType() == annotation.annotationType())) {
				found.add(annotation);
			}
		}
		return found;
	}

	/** The resilience4j annotations present on {@code element}. */
	static List<Annotation> declaredOn(AnnotatedElement element) {
		List<Annotation> found = new ArrayList<>();
		for (Annotation annotation : element.getAnnotations()) {
			if (KINDS.containsKey(annotation.annotationType().getName())) {
				found.add(annotation);
			}
		}
		return found;
	}

	/** The kind of instance the resilience4j annotation names. */
	static Resilience4jKind kindOf(Annotation annotation) {
		return KINDS.get(annotation.annotationType().getName());
	}

	/** The instance name the annotation gives, as written. */
	static String nameOf(Annotation annotation) {
		Object name = AnnotationUtils.getValue(annotation, "name");
		return (name instanceof String text) ? text : "";
	}

	/** {@code @TimeLimiter}, as written in messages. */
	public static String describe(Annotation annotation) {
		return "@" + annotation.annotationType().getSimpleName();
	}

}
