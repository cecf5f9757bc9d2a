package dev.resilience.fallback;

import java.lang.reflect.Method;

/**
 * A {@code @Fallback} names no usable method. Raised at startup, while the pipeline of
 * the protected method is built; the message says what was looked for and what was found
 * instead.
 */
public class FallbackResolutionException extends IllegalStateException {

	private final Class<?> targetClass;

	private final transient Method protectedMethod;

	private final String fallbackName;

	public FallbackResolutionException(String message, Class<?> targetClass, Method protectedMethod,
			String fallbackName) {
		super(message);
		this.targetClass = targetClass;
		this.protectedMethod = protectedMethod;
		this.fallbackName = fallbackName;
	}

	/** The class searched for the fallback. */
	public Class<?> getTargetClass() {
		return this.targetClass;
	}

	/** The method carrying {@code @Fallback}. */
	public Method getProtectedMethod() {
		return this.protectedMethod;
	}

	/** The name given by {@code @Fallback(method = ...)}. */
	public String getFallbackName() {
		return this.fallbackName;
	}

}
