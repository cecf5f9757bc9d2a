package dev.resilience.spring.aop;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.ClassUtils;

import dev.resilience.Invocation;
import dev.resilience.fallback.FallbackHandler;
import dev.resilience.fallback.FallbackResolutionException;

/**
 * The {@code @Fallback} of a Kotlin {@code suspend} function: a method of the fallback
 * name declared in the target class or a superclass, taking the protected function's
 * parameters, optionally followed by one {@link Throwable} parameter, and returning what
 * the protected function returns in Kotlin. It may itself be a suspend function, which
 * runs in the calling coroutine's context (as Spring runs the protected one), or a plain
 * function, whose value is the answer. As with {@link FallbackMethod}, a failure goes to
 * the overload whose trailing exception parameter is its closest supertype, else to the
 * one without.
 * <p>
 * Immutable and thread safe; resolved once at startup.
 */
final class SuspendingFallback implements FallbackHandler {

	private final Method protectedMethod;

	/** Overloads with a trailing exception parameter, the most specific first. */
	private final Choice[] typed;

	private final Choice untyped;

	private final ClassValue<Choice> choices = new ClassValue<>() {

		@Override
		protected Choice computeValue(Class<?> failureType) {
			for (Choice choice : SuspendingFallback.this.typed) {
				if (choice.failureType().isAssignableFrom(failureType)) {
					return choice;
				}
			}
			return SuspendingFallback.this.untyped;
		}

	};

	private SuspendingFallback(Method protectedMethod, List<Choice> typed, Choice untyped) {
		this.protectedMethod = protectedMethod;
		this.typed = typed.toArray(Choice[]::new);
		this.untyped = untyped;
	}

	/**
	 * Resolves the fallback of the suspend function {@code protectedMethod}.
	 * @throws FallbackResolutionException when no method of that name fits, or one that
	 * fits by its parameters returns an incompatible type
	 */
	static SuspendingFallback resolve(Class<?> targetClass, Method protectedMethod, String fallbackName) {
		Class<?>[] expected = valueParameters(protectedMethod);
		Class<?> expectedReturn = SuspendingFunctions.kotlinReturnType(protectedMethod);
		List<Choice> typed = new ArrayList<>();
		Choice untyped = null;
		List<String> problems = new ArrayList<>();
		Set<List<Class<?>>> seen = new HashSet<>();
		for (Class<?> type = targetClass; type != null && type != Object.class; type = type.getSuperclass()) {
			Method[] declared = type.getDeclaredMethods();
			Arrays.sort(declared, Comparator.comparing(Method::toGenericString));
			for (Method candidate : declared) {
				if (!candidate.getName().equals(fallbackName) || candidate.isBridge() || candidate.isSynthetic()
						|| !seen.add(List.of(candidate.getParameterTypes()))) {
					continue;
				}
				boolean suspending = ReturnTypes.isSuspendingFunction(candidate);
				Class<?>[] parameters = valueParameters(candidate);
				String problem = parameterProblem(expected, parameters, candidate, protectedMethod);
				Class<?> returnType = suspending ? SuspendingFunctions.kotlinReturnType(candidate)
						: candidate.getReturnType();
				if (problem == null && !ClassUtils.isAssignable(expectedReturn, returnType)) {
					problem = "which returns " + returnType.getSimpleName() + ", not assignable to "
							+ expectedReturn.getSimpleName();
				}
				if (problem != null) {
					problems.add("found " + describe(candidate, suspending) + ", " + problem);
					continue;
				}
				candidate.setAccessible(true);
				Class<?> failureType = (parameters.length > expected.length) ? parameters[expected.length] : null;
				Choice choice = new Choice(candidate, suspending, failureType);
				if (failureType != null) {
					typed.add(choice);
				}
				else {
					untyped = choice;
				}
			}
		}
		if (typed.isEmpty() && untyped == null) {
			String lookedFor = fallbackName
					+ Arrays.stream(expected).map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ""))
					+ ((expected.length == 0) ? "[Throwable])" : "[, Throwable])") + " returning "
					+ expectedReturn.getSimpleName() + ", suspending or not, in " + targetClass.getSimpleName();
			throw new FallbackResolutionException(
					"@Fallback(method = \"" + fallbackName + "\") on "
							+ MethodPipelineFactory.describe(protectedMethod, targetClass) + ": no method " + lookedFor
							+ problems.stream().map((problem) -> "; " + problem).collect(Collectors.joining()),
					targetClass, protectedMethod, fallbackName);
		}
		typed.sort(Comparator.comparingInt((Choice choice) -> -depth(choice.failureType()))
			.thenComparing((choice) -> choice.failureType().getName()));
		return new SuspendingFallback(protectedMethod, typed, untyped);
	}

	@Override
	public boolean handles(Throwable failure) {
		return choose(failure.getClass()) != null;
	}

	/**
	 * Runs the overload chosen for {@code failure}: a suspend one as Spring runs a
	 * suspend function, in the caller's coroutine context, answering a {@code Mono}; a
	 * plain one answering its value.
	 */
	@Override
	public Object handle(Invocation invocation, Throwable failure) throws Throwable {
		Choice choice = choose(failure.getClass());
		if (choice == null) {
			throw failure;
		}
		Object[] arguments = invocation.getArguments();
		int values = arguments.length - 1;
		int count = values + ((choice.failureType() != null) ? 1 : 0);
		Object[] effective = Arrays.copyOf(arguments, count + (choice.suspending() ? 1 : 0));
		if (choice.failureType() != null) {
			effective[values] = failure;
		}
		Method method = choice.method();
		Object target = Modifier.isStatic(method.getModifiers()) ? null : invocation.getTarget();
		if (choice.suspending()) {
			// The caller's continuation last: Spring takes the coroutine context from it.
			effective[count] = arguments[values];
			return AopUtils.invokeJoinpointUsingReflection(target, method, effective);
		}
		try {
			return method.invoke(target, effective);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private Choice choose(Class<?> failureType) {
		return (this.typed.length == 0) ? this.untyped : this.choices.get(failureType);
	}

	/** The parameters but a suspend function's trailing continuation. */
	private static Class<?>[] valueParameters(Method method) {
		Class<?>[] parameters = method.getParameterTypes();
		return ReturnTypes.isSuspendingFunction(method) ? Arrays.copyOf(parameters, parameters.length - 1) : parameters;
	}

	private static String parameterProblem(Class<?>[] expected, Class<?>[] parameters, Method candidate,
			Method protectedMethod) {
		if (parameters.length != expected.length && parameters.length != expected.length + 1) {
			return "which takes " + parameters.length + " parameters where " + expected.length + " (or "
					+ (expected.length + 1) + " with a trailing Throwable) are needed";
		}
		for (int i = 0; i < expected.length; i++) {
			if (parameters[i] != expected[i]) {
				return "whose parameter " + (i + 1) + " is " + parameters[i].getSimpleName() + " where "
						+ expected[i].getSimpleName() + " is needed";
			}
		}
		if (parameters.length > expected.length && !Throwable.class.isAssignableFrom(parameters[expected.length])) {
			return "whose trailing parameter " + parameters[expected.length].getSimpleName() + " is not a Throwable";
		}
		if (candidate.equals(protectedMethod)) {
			return "which is the protected method itself";
		}
		return null;
	}

	private static String describe(Method method, boolean suspending) {
		return (suspending ? "suspend " : "") + method.getName()
				+ Arrays.stream(valueParameters(method))
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", ", "(", ")"));
	}

	private static int depth(Class<?> type) {
		int depth = 0;
		for (Class<?> current = type; current != null; current = current.getSuperclass()) {
			depth++;
		}
		return depth;
	}

	@Override
	public String toString() {
		return "SuspendingFallback[" + this.protectedMethod + "]";
	}

	/**
	 * One overload: whether it suspends, and the failure type it takes, or {@code null}.
	 */
	private record Choice(Method method, boolean suspending, Class<?> failureType) {
	}

}
