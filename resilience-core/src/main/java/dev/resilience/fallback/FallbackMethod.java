package dev.resilience.fallback;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.resilience.internal.Requirements;

/**
 * The fallback of one protected method, resolved once at startup by the rules of
 * {@code @Fallback}: a method of the given name declared in the target class, one of its
 * superclasses, or as a default method of one of its interfaces; of any visibility, static or not;
 * taking exactly the protected method's parameter types (generic types compared after resolving
 * type variables against the target class), optionally followed by one parameter of a
 * {@link Throwable} type; returning a type assignable to the protected method's return type. Every
 * matching overload is kept: a failure goes to the one whose trailing parameter is its closest
 * supertype, else to the one without a trailing parameter.
 * <p>
 * Immutable and thread safe. The overload for a failure class is computed once per class and
 * cached; nothing is looked up by name after {@link #resolve}.
 */
public final class FallbackMethod {

	private static final Choice NONE = new Choice(null, false);

	private final Method protectedMethod;

	private final int parameterCount;

	private final List<Method> candidates;

	/** Overloads with a trailing exception parameter, the most specific exception type first. */
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

	private FallbackMethod(Method protectedMethod, List<Method> typed, Method untyped) {
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
	 * @param targetClass the user class holding both methods (not a proxy class); generic types are
	 * resolved against it
	 * @param protectedMethod the method carrying {@code @Fallback}, declared in {@code targetClass}
	 * or one of its supertypes
	 * @param fallbackName the name given by {@code @Fallback(method = ...)}
	 * @return the resolved fallback, its methods made accessible
	 * @throws FallbackResolutionException if no method matches, or one that matches by its
	 * parameters has an incompatible return type; the message says what was looked for and why each
	 * method of that name was turned down
	 */
	public static FallbackMethod resolve(Class<?> targetClass, Method protectedMethod, String fallbackName) {
		Requirements.requireNonNull(targetClass, "targetClass");
		Requirements.requireNonNull(protectedMethod, "protectedMethod");
		Requirements.requireNonNull(fallbackName, "fallbackName");
		Requirements.requireArgument(protectedMethod.getDeclaringClass().isAssignableFrom(targetClass),
				"protectedMethod " + protectedMethod + " is not a method of targetClass " + targetClass.getName());
		return new Resolution(targetClass, protectedMethod, fallbackName).resolve();
	}

	/** The method carrying {@code @Fallback}. */
	public Method getProtectedMethod() {
		return this.protectedMethod;
	}

	/**
	 * The matching overloads in the order they are tried: those with a trailing exception parameter,
	 * most specific exception type first, then the one without.
	 */
	public List<Method> getCandidates() {
		return this.candidates;
	}

	/** Whether some overload accepts a failure of this type. */
	public boolean handles(Class<? extends Throwable> failureType) {
		return choose(Requirements.requireNonNull(failureType, "failureType")) != NONE;
	}

	/**
	 * Invokes the overload chosen for {@code failure} (after unwrapping a
	 * {@link java.util.concurrent.CompletionException} or {@link java.util.concurrent.ExecutionException}),
	 * passing the unwrapped failure as the trailing argument where it takes one.
	 * @param target the bean to invoke on; ignored when the overload is static
	 * @param arguments the protected call's arguments
	 * @param failure what the protected call finally failed with
	 * @return what the fallback returned
	 * @throws Throwable {@code failure} itself when no overload accepts it, or whatever the fallback
	 * throws, unwrapped
	 */
	public Object invoke(Object target, Object[] arguments, Throwable failure) throws Throwable {
		Requirements.requireNonNull(arguments, "arguments");
		Requirements.requireNonNull(failure, "failure");
		if (arguments.length != this.parameterCount) {
			throw new IllegalArgumentException("Fallback of " + this.protectedMethod + " takes " + this.parameterCount
					+ " arguments but got " + arguments.length);
		}
		Throwable cause = Failures.unwrap(failure);
		Choice choice = choose(cause.getClass());
		if (choice == NONE) {
			throw failure;
		}
		Method method = choice.method();
		Object receiver = null;
		if (!Modifier.isStatic(method.getModifiers())) {
			receiver = Requirements.requireNonNull(target, "target of non-static fallback " + method);
		}
		Object[] effectiveArguments = arguments;
		if (choice.typed()) {
			effectiveArguments = Arrays.copyOf(arguments, arguments.length + 1);
			effectiveArguments[arguments.length] = cause;
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

	/** One resolution: the search, the verdict on each method found, and the error messages. */
	private static final class Resolution {

		private final Class<?> targetClass;

		private final Method protectedMethod;

		private final String fallbackName;

		private final Map<TypeVariable<?>, Type> bindings;

		private final Type[] expectedParameters;

		private final Type expectedReturn;

		Resolution(Class<?> targetClass, Method protectedMethod, String fallbackName) {
			this.targetClass = targetClass;
			this.protectedMethod = protectedMethod;
			this.fallbackName = fallbackName;
			this.bindings = GenericTypes.bindings(targetClass);
			this.expectedParameters = resolveAll(protectedMethod.getGenericParameterTypes());
			this.expectedReturn = GenericTypes.substitute(protectedMethod.getGenericReturnType(), this.bindings);
		}

		private Type[] resolveAll(Type[] types) {
			Type[] resolved = new Type[types.length];
			for (int i = 0; i < types.length; i++) {
				resolved[i] = GenericTypes.substitute(types[i], this.bindings);
			}
			return resolved;
		}

		FallbackMethod resolve() {
			List<Method> typed = new ArrayList<>();
			Method untyped = null;
			List<String> mismatches = new ArrayList<>();
			List<String> incompatibleReturns = new ArrayList<>();
			for (Method candidate : findMethodsNamed()) {
				Type[] parameters = resolveAll(candidate.getGenericParameterTypes());
				Type returnType = GenericTypes.substitute(candidate.getGenericReturnType(), this.bindings);
				String found = "found " + signature(candidate.getName(), parameters) + " returning "
						+ GenericTypes.describe(returnType);
				String parameterProblem = parameterProblem(candidate, parameters);
				if (parameterProblem != null) {
					mismatches.add(found + ", " + parameterProblem);
				}
				else if (!GenericTypes.isAssignable(this.expectedReturn, returnType)) {
					incompatibleReturns.add(found + ", which is not assignable to "
							+ GenericTypes.describe(this.expectedReturn));
				}
				else if (parameters.length > this.expectedParameters.length) {
					typed.add(candidate);
				}
				else {
					untyped = candidate;
				}
			}
			if (typed.isEmpty() && untyped == null) {
				StringBuilder message = new StringBuilder("no method ").append(lookedFor());
				incompatibleReturns.forEach((incompatible) -> message.append("; ").append(incompatible));
				mismatches.forEach((mismatch) -> message.append("; ").append(mismatch));
				throw failure(message.toString());
			}
			if (!incompatibleReturns.isEmpty()) {
				// Ignoring it would silently send its failures to another overload.
				throw failure(String.join("; ", incompatibleReturns));
			}
			typed.sort(Comparator.comparingInt((Method method) -> -depth(lastParameterType(method)))
				.thenComparing((method) -> lastParameterType(method).getName()));
			typed.forEach(this::makeAccessible);
			if (untyped != null) {
				makeAccessible(untyped);
			}
			return new FallbackMethod(this.protectedMethod, typed, untyped);
		}

		/**
		 * Methods of the fallback name visible from the target class: declared in it or a superclass
		 * (a subclass's method hiding a superclass's of the same parameters), then interface default
		 * methods. Bridge methods are skipped: their generic twin is the real one.
		 */
		private List<Method> findMethodsNamed() {
			List<Method> found = new ArrayList<>();
			Set<List<Class<?>>> seenParameters = new HashSet<>();
			Set<Class<?>> interfaces = new LinkedHashSet<>();
			for (Class<?> type = this.targetClass; type != null; type = type.getSuperclass()) {
				for (Method method : sorted(type.getDeclaredMethods())) {
					if (isNamedCandidate(method) && seenParameters.add(List.of(method.getParameterTypes()))) {
						found.add(method);
					}
				}
				collectInterfaces(type, interfaces);
			}
			for (Class<?> type : interfaces) {
				for (Method method : sorted(type.getDeclaredMethods())) {
					if (method.isDefault() && isNamedCandidate(method)
							&& seenParameters.add(List.of(method.getParameterTypes()))) {
						found.add(method);
					}
				}
			}
			return found;
		}

		private boolean isNamedCandidate(Method method) {
			return method.getName().equals(this.fallbackName) && !method.isBridge() && !method.isSynthetic();
		}

		// The JVM returns declared methods in no particular order; sorting keeps messages stable.
		private static Method[] sorted(Method[] methods) {
			Method[] copy = methods.clone();
			Arrays.sort(copy, Comparator.comparing(Method::toGenericString));
			return copy;
		}

		private static void collectInterfaces(Class<?> type, Set<Class<?>> interfaces) {
			Deque<Class<?>> pending = new ArrayDeque<>(List.of(type.getInterfaces()));
			while (!pending.isEmpty()) {
				Class<?> next = pending.poll();
				if (interfaces.add(next)) {
					pending.addAll(List.of(next.getInterfaces()));
				}
			}
		}

		/** Why the candidate's parameters do not fit, or {@code null} when they do. */
		private String parameterProblem(Method candidate, Type[] parameters) {
			int expected = this.expectedParameters.length;
			if (parameters.length != expected && parameters.length != expected + 1) {
				return "which takes " + parameters.length + " parameter" + ((parameters.length == 1) ? "" : "s")
						+ " where " + expected + " (or " + (expected + 1) + " with a trailing Throwable) are needed";
			}
			for (int i = 0; i < expected; i++) {
				if (!GenericTypes.sameType(this.expectedParameters[i], parameters[i])) {
					return "whose parameter " + (i + 1) + " is " + GenericTypes.describe(parameters[i]) + " where "
							+ GenericTypes.describe(this.expectedParameters[i]) + " is needed";
				}
			}
			if (parameters.length > expected && !Throwable.class.isAssignableFrom(candidate.getParameterTypes()[expected])) {
				return "whose trailing parameter " + GenericTypes.describe(parameters[expected]) + " is not a Throwable";
			}
			if (parameters.length == expected && candidate.getName().equals(this.protectedMethod.getName())) {
				return "which is the protected method itself";
			}
			return null;
		}

		private void makeAccessible(Method method) {
			try {
				method.setAccessible(true);
			}
			catch (RuntimeException ex) {
				// InaccessibleObjectException: the class's module does not open its package to us.
				throw new FallbackResolutionException(prefix() + ": " + method.getName() + " cannot be made accessible ("
						+ ex.getMessage() + "); open its package to the resilience engine or make it public",
						this.targetClass, this.protectedMethod, this.fallbackName);
			}
		}

		private FallbackResolutionException failure(String detail) {
			return new FallbackResolutionException(prefix() + ": " + detail, this.targetClass, this.protectedMethod,
					this.fallbackName);
		}

		private String prefix() {
			return "@Fallback(method = \"" + this.fallbackName + "\") on " + simpleName(this.targetClass) + "."
					+ signature(this.protectedMethod.getName(), this.expectedParameters);
		}

		private String lookedFor() {
			String parameters = Arrays.stream(this.expectedParameters)
				.map(GenericTypes::describe)
				.collect(Collectors.joining(", "));
			String trailing = parameters.isEmpty() ? "[Throwable]" : "[, Throwable]";
			return this.fallbackName + "(" + parameters + trailing + ") returning "
					+ GenericTypes.describe(this.expectedReturn) + " in " + simpleName(this.targetClass);
		}

		private static String signature(String name, Type[] parameters) {
			return name + Arrays.stream(parameters)
				.map(GenericTypes::describe)
				.collect(Collectors.joining(", ", "(", ")"));
		}

		private static String simpleName(Class<?> type) {
			return GenericTypes.describe(type);
		}

		private static Class<?> lastParameterType(Method method) {
			return method.getParameterTypes()[method.getParameterCount() - 1];
		}

		private static int depth(Class<?> type) {
			int depth = 0;
			for (Class<?> current = type; current != null; current = current.getSuperclass()) {
				depth++;
			}
			return depth;
		}

	}

}
