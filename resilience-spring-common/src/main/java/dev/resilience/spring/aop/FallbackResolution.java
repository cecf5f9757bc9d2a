package dev.resilience.spring.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.core.ResolvableType;

import dev.resilience.fallback.FallbackResolutionException;

/**
 * One resolution of a {@code @Fallback} method name, by its rules: a method of that name
 * declared in the target class, one of its superclasses, or as a default method of one of
 * its interfaces; of any visibility, static or not; taking exactly the protected method's
 * parameter types, optionally followed by one parameter of a {@link Throwable} type;
 * returning a type assignable to the protected method's return type.
 * <p>
 * Generic types are resolved against the target class by {@link ResolvableType}. Two
 * parameter types are the same when they resolve to the same class with the same type
 * arguments; a raw type, or a type variable nothing binds (one of a generic method), is
 * the same as anything of its erasure, as the compiler would accept with an unchecked
 * warning. A return type is assignable without boxing ({@code void} only to {@code void},
 * a primitive only to itself) and by Java's rules for type arguments and wildcards; a raw
 * return type is accepted. Errors say what was looked for and why each method of that
 * name was turned down, with types as written in source.
 */
final class FallbackResolution {

	private final Class<?> targetClass;

	private final Method protectedMethod;

	private final String fallbackName;

	private final ResolvableType[] expectedParameters;

	private final ResolvableType expectedReturn;

	FallbackResolution(Class<?> targetClass, Method protectedMethod, String fallbackName) {
		this.targetClass = targetClass;
		this.protectedMethod = protectedMethod;
		this.fallbackName = fallbackName;
		this.expectedParameters = parameters(protectedMethod);
		this.expectedReturn = ResolvableType.forMethodReturnType(protectedMethod, targetClass);
	}

	private ResolvableType[] parameters(Method method) {
		ResolvableType[] types = new ResolvableType[method.getParameterCount()];
		for (int i = 0; i < types.length; i++) {
			types[i] = ResolvableType.forMethodParameter(method, i, this.targetClass);
		}
		return types;
	}

	FallbackMethod resolve() {
		List<Method> typed = new ArrayList<>();
		Method untyped = null;
		List<String> mismatches = new ArrayList<>();
		List<String> incompatibleReturns = new ArrayList<>();
		for (Method candidate : findMethodsNamed()) {
			ResolvableType[] parameters = parameters(candidate);
			ResolvableType returnType = ResolvableType.forMethodReturnType(candidate, this.targetClass);
			String found = "found " + signature(candidate.getName(), parameters) + " returning " + describe(returnType);
			String parameterProblem = parameterProblem(candidate, parameters);
			if (parameterProblem != null) {
				mismatches.add(found + ", " + parameterProblem);
			}
			else if (!isAssignable(this.expectedReturn, returnType) && !isReactiveElement(returnType)) {
				incompatibleReturns.add(found + ", which is not assignable to " + describe(this.expectedReturn));
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
	 * Methods of the fallback name visible from the target class: declared in it or a
	 * superclass (a subclass's method hiding a superclass's of the same parameters), then
	 * interface default methods. Bridge methods are skipped: their generic twin is the
	 * real one.
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

	// The JVM returns declared methods in no particular order; sorting keeps messages
	// stable.
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
	private String parameterProblem(Method candidate, ResolvableType[] parameters) {
		int expected = this.expectedParameters.length;
		if (parameters.length != expected && parameters.length != expected + 1) {
			return "which takes " + parameters.length + " parameter" + ((parameters.length == 1) ? "" : "s") + " where "
					+ expected + " (or " + (expected + 1) + " with a trailing Throwable) are needed";
		}
		for (int i = 0; i < expected; i++) {
			if (!sameType(this.expectedParameters[i], parameters[i])) {
				return "whose parameter " + (i + 1) + " is " + describe(parameters[i]) + " where "
						+ describe(this.expectedParameters[i]) + " is needed";
			}
		}
		if (parameters.length > expected
				&& !Throwable.class.isAssignableFrom(candidate.getParameterTypes()[expected])) {
			return "whose trailing parameter " + describe(parameters[expected]) + " is not a Throwable";
		}
		if (parameters.length == expected && candidate.getName().equals(this.protectedMethod.getName())) {
			return "which is the protected method itself";
		}
		return null;
	}

	/**
	 * Whether two parameter types are the same: the same class with the same type
	 * arguments, where a raw type or a type variable nothing binds is the same as
	 * anything of its erasure.
	 */
	private boolean sameType(ResolvableType a, ResolvableType b) {
		if (a.isArray() || b.isArray()) {
			return a.isArray() && b.isArray() && sameType(a.getComponentType(), b.getComponentType());
		}
		WildcardType wildcardA = wildcard(a);
		WildcardType wildcardB = wildcard(b);
		if (wildcardA != null || wildcardB != null) {
			return wildcardA != null && wildcardB != null
					&& sameTypes(bounds(wildcardA.getUpperBounds(), a), bounds(wildcardB.getUpperBounds(), b))
					&& sameTypes(bounds(wildcardA.getLowerBounds(), a), bounds(wildcardB.getLowerBounds(), b));
		}
		if (a.toClass() != b.toClass()) {
			return false;
		}
		if (isRawOrUnbound(a) || isRawOrUnbound(b)) {
			return true;
		}
		return sameTypes(a.getGenerics(), b.getGenerics());
	}

	private boolean sameTypes(ResolvableType[] a, ResolvableType[] b) {
		if (a.length != b.length) {
			return false;
		}
		for (int i = 0; i < a.length; i++) {
			if (!sameType(a[i], b[i])) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether a value of type {@code from} may be returned where {@code to} is declared:
	 * without boxing, by Java's rules for type arguments, and from a raw type as the
	 * compiler would accept.
	 */
	private boolean isAssignable(ResolvableType to, ResolvableType from) {
		Class<?> rawTo = to.toClass();
		Class<?> rawFrom = from.toClass();
		if (rawTo.isPrimitive() || rawFrom.isPrimitive()) {
			return rawTo == rawFrom;
		}
		if (!rawTo.isAssignableFrom(rawFrom)) {
			return false;
		}
		return to.isAssignableFrom(from) || usesRaw(from.as(rawTo));
	}

	/**
	 * A plain value answering a method that returns a {@code Mono<T>} or {@code Flux<T>}:
	 * assignable to {@code T}, it is emitted as the fallback's one element.
	 */
	private boolean isReactiveElement(ResolvableType returnType) {
		Class<?> raw = this.expectedReturn.resolve();
		if (raw == null || !(ReturnTypes.MONO.equals(raw.getName()) || ReturnTypes.FLUX.equals(raw.getName()))) {
			return false;
		}
		Class<?> rawFrom = returnType.resolve();
		if (rawFrom == null || rawFrom.isPrimitive() || ReturnTypes.isAsynchronousValue(rawFrom)) {
			return false;
		}
		return isAssignable(this.expectedReturn.getGeneric(0), returnType);
	}

	/**
	 * Whether {@code type} gives its class's type parameters no arguments ({@code List}
	 * for {@code List<E>}).
	 */
	private static boolean usesRaw(ResolvableType type) {
		for (ResolvableType generic : type.getGenerics()) {
			if (generic.getType() instanceof TypeVariable<?> variable
					&& variable.getGenericDeclaration() instanceof Class) {
				return true;
			}
		}
		return false;
	}

	private boolean isRawOrUnbound(ResolvableType type) {
		return type.getType() instanceof Class || isUnbound(type);
	}

	/** A type variable the target class does not bind, such as a generic method's own. */
	private boolean isUnbound(ResolvableType type) {
		if (!(type.getType() instanceof TypeVariable<?> variable)) {
			return false;
		}
		if (!(variable.getGenericDeclaration() instanceof Class<?> declaringClass)) {
			return true;
		}
		int index = Arrays.asList(declaringClass.getTypeParameters()).indexOf(variable);
		ResolvableType asDeclaringClass = ResolvableType.forClass(this.targetClass).as(declaringClass);
		if (index < 0 || asDeclaringClass == ResolvableType.NONE) {
			return true;
		}
		// Bound to another class's variable (B extends A<String>, A<T> extends
		// Loader<T>): follow it up.
		ResolvableType binding = asDeclaringClass.getGeneric(index);
		return binding.getType().equals(variable) || isUnbound(binding);
	}

	private static WildcardType wildcard(ResolvableType type) {
		return (type.getType() instanceof WildcardType wildcard) ? wildcard : null;
	}

	private static ResolvableType[] bounds(Type[] bounds, ResolvableType owner) {
		return Arrays.stream(bounds)
			.map((bound) -> ResolvableType.forType(bound, owner))
			.toArray(ResolvableType[]::new);
	}

	/**
	 * The type as written in source, with simple class names: {@code List<String>},
	 * {@code int[]}.
	 */
	private String describe(ResolvableType type) {
		if (type.isArray()) {
			return describe(type.getComponentType()) + "[]";
		}
		WildcardType wildcard = wildcard(type);
		if (wildcard != null) {
			if (wildcard.getLowerBounds().length > 0) {
				return "? super " + describe(ResolvableType.forType(wildcard.getLowerBounds()[0], type));
			}
			Type upper = wildcard.getUpperBounds()[0];
			return (upper == Object.class) ? "?" : "? extends " + describe(ResolvableType.forType(upper, type));
		}
		if (isUnbound(type)) {
			return ((TypeVariable<?>) type.getType()).getName();
		}
		String name = simpleName(type.toClass());
		if (type.getType() instanceof Class || !type.hasGenerics()) {
			return name;
		}
		return name + Arrays.stream(type.getGenerics()).map(this::describe).collect(Collectors.joining(", ", "<", ">"));
	}

	private static String simpleName(Class<?> type) {
		return type.getSimpleName().isEmpty() ? type.getName() : type.getSimpleName();
	}

	private void makeAccessible(Method method) {
		try {
			method.setAccessible(true);
		}
		catch (RuntimeException ex) {
			// InaccessibleObjectException: the class's module does not open its package
			// to us.
			throw new FallbackResolutionException(
					prefix() + ": " + method.getName() + " cannot be made accessible (" + ex.getMessage()
							+ "); open its package to the resilience starter or make it public",
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
			.map(this::describe)
			.collect(Collectors.joining(", "));
		String trailing = parameters.isEmpty() ? "[Throwable]" : "[, Throwable]";
		return this.fallbackName + "(" + parameters + trailing + ") returning " + describe(this.expectedReturn) + " in "
				+ simpleName(this.targetClass);
	}

	private String signature(String name, ResolvableType[] parameters) {
		return name + Arrays.stream(parameters).map(this::describe).collect(Collectors.joining(", ", "(", ")"));
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
