package dev.resilience.spring.aop;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.util.Assert;

import dev.resilience.Invocation;
import dev.resilience.fallback.FallbackHandler;
import dev.resilience.fallback.FallbackResolutionException;

/**
 * The fallback of one protected method, resolved once at startup by the rules of
 * {@code @Fallback} (see {@link FallbackResolution}), and the {@link FallbackHandler} the
 * engine runs: every matching overload is kept, and a failure goes to the one whose
 * trailing exception parameter is its closest supertype, else to the one without a
 * trailing parameter.
 * <p>
 * Immutable and thread safe. The overload for a failure class is computed once per class
 * and cached; nothing is looked up by name after {@link #resolve}.
 */
final class FallbackMethod implements FallbackHandler {

	private static final Choice NONE = new Choice(null, false);

	private final Method protectedMethod;

	private final int parameterCount;

	private final List<Method> candidates;

	/**
	 * Overloads with a trailing exception parameter, the most specific exception type
	 * first.
	 */
	private final Choice[] typed;

	private final Choice untyped;

	private final ClassValue<Choice> choices = new ClassValue<>() {

		@Override
		protected Choice computeValue(Class<?> failureType) {
			for (Choice choice : FallbackMethod.this.typed) {
				if (choice.failureType().isAssignableFrom(failureType)) {
					return choice;
				}
			}
			return FallbackMethod.this.untyped;
		}

	};

	FallbackMethod(Method protectedMethod, List<Method> typed, Method untyped) {
		this.protectedMethod = protectedMethod;
		this.parameterCount = protectedMethod.getParameterCount();
		this.typed = typed.stream().map((method) -> new Choice(method, true)).toArray(Choice[]::new);
		this.untyped = (untyped != null) ? new Choice(untyped, false) : NONE;
		List<Method> all = new ArrayList<>(typed);
		if (untyped != null) {
			all.add(untyped);
		}
		this.candidates = List.copyOf(all);
	}

	/**
	 * Resolves the fallback of {@code protectedMethod}; done once, at startup.
	 * @param targetClass the user class holding both methods (not a proxy class); generic
	 * types are resolved against it
	 * @param protectedMethod the method carrying {@code @Fallback}, declared in
	 * {@code targetClass} or one of its supertypes
	 * @param fallbackName the name given by {@code @Fallback(method = ...)}
	 * @return the resolved fallback, its methods made accessible
	 * @throws FallbackResolutionException if no method matches, or one that matches by
	 * its parameters has an incompatible return type; the message says what was looked
	 * for and why each method of that name was turned down
	 */
	static FallbackMethod resolve(Class<?> targetClass, Method protectedMethod, String fallbackName) {
		Assert.notNull(targetClass, "targetClass must not be null");
		Assert.notNull(protectedMethod, "protectedMethod must not be null");
		Assert.notNull(fallbackName, "fallbackName must not be null");
		Assert.isTrue(protectedMethod.getDeclaringClass().isAssignableFrom(targetClass), () -> "protectedMethod "
				+ protectedMethod + " is not a method of targetClass " + targetClass.getName());
		return new FallbackResolution(targetClass, protectedMethod, fallbackName).resolve();
	}

	/** The method carrying {@code @Fallback}. */
	Method getProtectedMethod() {
		return this.protectedMethod;
	}

	/**
	 * The matching overloads in the order they are tried: those with a trailing exception
	 * parameter, most specific exception type first, then the one without.
	 */
	List<Method> getCandidates() {
		return this.candidates;
	}

	/** Whether some overload accepts a failure of this type. */
	boolean handles(Class<? extends Throwable> failureType) {
		Assert.notNull(failureType, "failureType must not be null");
		return choose(failureType) != NONE;
	}

	@Override
	public boolean handles(Throwable failure) {
		return handles(failure.getClass());
	}

	@Override
	public Object handle(Invocation invocation, Throwable failure) throws Throwable {
		return invoke(invocation.getTarget(), invocation.getArguments(), failure);
	}

	/**
	 * Invokes the overload chosen for {@code failure}, passing it as the trailing
	 * argument where the overload takes one. The engine's fallback stage hands over the
	 * failure already unwrapped from its
	 * {@code CompletionException}/{@code ExecutionException} wrappers.
	 * @param target the bean to invoke on; ignored when the overload is static
	 * @param arguments the protected call's arguments
	 * @param failure what the protected call finally failed with
	 * @return what the fallback returned
	 * @throws Throwable {@code failure} itself when no overload accepts it, or whatever
	 * the fallback throws, unwrapped
	 */
	Object invoke(Object target, Object[] arguments, Throwable failure) throws Throwable {
		Assert.notNull(arguments, "arguments must not be null");
		Assert.notNull(failure, "failure must not be null");
		if (arguments.length != this.parameterCount) {
			throw new IllegalArgumentException("Fallback of " + this.protectedMethod + " takes " + this.parameterCount
					+ " arguments but got " + arguments.length);
		}
		Choice choice = choose(failure.getClass());
		if (choice == NONE) {
			throw failure;
		}
		Method method = choice.method();
		Object receiver = null;
		if (!Modifier.isStatic(method.getModifiers())) {
			if (target == null) {
				throw new NullPointerException("target of non-static fallback " + method + " must not be null");
			}
			receiver = target;
		}
		Object[] effectiveArguments = arguments;
		if (choice.typed()) {
			effectiveArguments = Arrays.copyOf(arguments, arguments.length + 1);
			effectiveArguments[arguments.length] = failure;
		}
		try {
			return method.invoke(receiver, effectiveArguments);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException("Fallback " + method + " was made accessible at startup but is not", ex);
		}
	}

	private Choice choose(Class<?> failureType) {
		return (this.typed.length == 0) ? this.untyped : this.choices.get(failureType);
	}

	@Override
	public String toString() {
		return "FallbackMethod[" + this.protectedMethod + " -> " + this.candidates + "]";
	}

	private record Choice(Method method, boolean typed) {

		Class<?> failureType() {
			return this.method.getParameterTypes()[this.method.getParameterCount() - 1];
		}

	}

}
