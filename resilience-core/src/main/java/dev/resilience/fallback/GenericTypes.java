package dev.resilience.fallback;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The small part of Java's type rules that fallback resolution needs: resolving a class's type
 * variables against a subclass, comparing parameter types, checking that a return type is
 * assignable, and printing types the way they are written in source. Type variables that stay
 * unresolved (those of a generic method) are compared by erasure, the lenient choice.
 */
final class GenericTypes {

	private GenericTypes() {
	}

	/** Binds the type variables of every generic supertype of {@code context} to their arguments. */
	static Map<TypeVariable<?>, Type> bindings(Class<?> context) {
		Map<TypeVariable<?>, Type> bindings = new HashMap<>();
		collectBindings(context, bindings);
		return bindings;
	}

	private static void collectBindings(Type type, Map<TypeVariable<?>, Type> bindings) {
		Class<?> raw;
		if (type instanceof ParameterizedType parameterized) {
			raw = (Class<?>) parameterized.getRawType();
			TypeVariable<?>[] variables = raw.getTypeParameters();
			Type[] arguments = parameterized.getActualTypeArguments();
			for (int i = 0; i < variables.length; i++) {
				bindings.putIfAbsent(variables[i], substitute(arguments[i], bindings));
			}
		}
		else if (type instanceof Class<?> cls) {
			raw = cls;
		}
		else {
			return;
		}
		if (raw.getGenericSuperclass() != null) {
			collectBindings(raw.getGenericSuperclass(), bindings);
		}
		for (Type implemented : raw.getGenericInterfaces()) {
			collectBindings(implemented, bindings);
		}
	}

	static Type substitute(Type type, Map<TypeVariable<?>, Type> bindings) {
		if (type instanceof TypeVariable<?> variable) {
			return bindings.getOrDefault(variable, variable);
		}
		if (type instanceof ParameterizedType parameterized) {
			Type[] arguments = parameterized.getActualTypeArguments().clone();
			for (int i = 0; i < arguments.length; i++) {
				arguments[i] = substitute(arguments[i], bindings);
			}
			return new Parameterized((Class<?>) parameterized.getRawType(), arguments);
		}
		if (type instanceof GenericArrayType array) {
			Type component = substitute(array.getGenericComponentType(), bindings);
			return (component instanceof Class<?> cls) ? Array.newInstance(cls, 0).getClass() : new GenericArray(component);
		}
		if (type instanceof WildcardType wildcard) {
			return new Wildcard(substituteAll(wildcard.getUpperBounds(), bindings),
					substituteAll(wildcard.getLowerBounds(), bindings));
		}
		return type;
	}

	private static Type[] substituteAll(Type[] types, Map<TypeVariable<?>, Type> bindings) {
		Type[] result = new Type[types.length];
		for (int i = 0; i < types.length; i++) {
			result[i] = substitute(types[i], bindings);
		}
		return result;
	}

	static Class<?> erasure(Type type) {
		if (type instanceof Class<?> cls) {
			return cls;
		}
		if (type instanceof ParameterizedType parameterized) {
			return (Class<?>) parameterized.getRawType();
		}
		if (type instanceof GenericArrayType array) {
			return Array.newInstance(erasure(array.getGenericComponentType()), 0).getClass();
		}
		if (type instanceof TypeVariable<?> variable) {
			return erasure(variable.getBounds()[0]);
		}
		if (type instanceof WildcardType wildcard) {
			return erasure(wildcard.getUpperBounds()[0]);
		}
		return Object.class;
	}

	/**
	 * Whether two parameter types are the same. A raw type is the same as any parameterization of
	 * it, and an unresolved type variable the same as anything with its erasure, as the compiler
	 * would accept (with an unchecked warning) when passing one to the other.
	 */
	static boolean sameType(Type a, Type b) {
		if (a instanceof Class<?> || b instanceof Class<?> || a instanceof TypeVariable<?>
				|| b instanceof TypeVariable<?>) {
			return erasure(a) == erasure(b);
		}
		if (a instanceof ParameterizedType pa && b instanceof ParameterizedType pb) {
			return pa.getRawType() == pb.getRawType()
					&& allSame(pa.getActualTypeArguments(), pb.getActualTypeArguments());
		}
		if (a instanceof GenericArrayType ga && b instanceof GenericArrayType gb) {
			return sameType(ga.getGenericComponentType(), gb.getGenericComponentType());
		}
		if (a instanceof WildcardType wa && b instanceof WildcardType wb) {
			return allSame(wa.getUpperBounds(), wb.getUpperBounds()) && allSame(wa.getLowerBounds(), wb.getLowerBounds());
		}
		return false;
	}

	private static boolean allSame(Type[] a, Type[] b) {
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
	 * Whether a value of type {@code from} may be returned where {@code to} is declared, without
	 * boxing: {@code void} only for {@code void}, a primitive only for the same primitive.
	 */
	static boolean isAssignable(Type to, Type from) {
		if (to == void.class || from == void.class || (to instanceof Class<?> c && c.isPrimitive())
				|| (from instanceof Class<?> f && f.isPrimitive())) {
			return to == from;
		}
		Class<?> rawTo = erasure(to);
		if (!rawTo.isAssignableFrom(erasure(from))) {
			return false;
		}
		if (to instanceof ParameterizedType parameterizedTo) {
			if (from instanceof TypeVariable<?> || from instanceof WildcardType) {
				return true;
			}
			Type[] fromArguments = typeArgumentsAs(from, rawTo);
			if (fromArguments == null) {
				return true;
			}
			Type[] toArguments = parameterizedTo.getActualTypeArguments();
			for (int i = 0; i < toArguments.length; i++) {
				if (!contains(toArguments[i], fromArguments[i])) {
					return false;
				}
			}
			return true;
		}
		if (to instanceof GenericArrayType arrayTo) {
			Type componentFrom = (from instanceof GenericArrayType arrayFrom) ? arrayFrom.getGenericComponentType()
					: erasure(from).getComponentType();
			return componentFrom != null && isAssignable(arrayTo.getGenericComponentType(), componentFrom);
		}
		return true;
	}

	/** Whether the type argument {@code to} (possibly a wildcard) admits the type argument {@code from}. */
	private static boolean contains(Type to, Type from) {
		if (to instanceof WildcardType wildcardTo) {
			Type upperFrom = (from instanceof WildcardType wildcardFrom) ? wildcardFrom.getUpperBounds()[0] : from;
			for (Type upper : wildcardTo.getUpperBounds()) {
				if (!isAssignable(upper, upperFrom)) {
					return false;
				}
			}
			for (Type lower : wildcardTo.getLowerBounds()) {
				Type lowerFrom = from;
				if (from instanceof WildcardType wildcardFrom) {
					if (wildcardFrom.getLowerBounds().length == 0) {
						return false;
					}
					lowerFrom = wildcardFrom.getLowerBounds()[0];
				}
				if (!isAssignable(lowerFrom, lower)) {
					return false;
				}
			}
			return true;
		}
		return !(from instanceof WildcardType) && sameType(to, from);
	}

	/**
	 * The type arguments {@code type} gives to its supertype {@code target}, or {@code null} when it
	 * uses {@code target} raw (a raw generic class, or a supertype declared without arguments).
	 */
	private static Type[] typeArgumentsAs(Type type, Class<?> target) {
		if (type instanceof Class<?> cls && cls.getTypeParameters().length > 0) {
			return null;
		}
		Map<TypeVariable<?>, Type> bindings = new HashMap<>();
		collectBindings(type, bindings);
		TypeVariable<?>[] variables = target.getTypeParameters();
		Type[] arguments = new Type[variables.length];
		for (int i = 0; i < variables.length; i++) {
			Type bound = bindings.get(variables[i]);
			if (bound == null) {
				return null;
			}
			arguments[i] = bound;
		}
		return arguments;
	}

	/** The type as written in source, with simple class names: {@code List<String>}, {@code int[]}. */
	static String describe(Type type) {
		if (type instanceof Class<?> cls) {
			if (cls.isArray()) {
				return describe(cls.getComponentType()) + "[]";
			}
			return cls.getSimpleName().isEmpty() ? cls.getName() : cls.getSimpleName();
		}
		if (type instanceof ParameterizedType parameterized) {
			return describe(parameterized.getRawType()) + Arrays.stream(parameterized.getActualTypeArguments())
				.map(GenericTypes::describe)
				.collect(Collectors.joining(", ", "<", ">"));
		}
		if (type instanceof GenericArrayType array) {
			return describe(array.getGenericComponentType()) + "[]";
		}
		if (type instanceof WildcardType wildcard) {
			if (wildcard.getLowerBounds().length > 0) {
				return "? super " + describe(wildcard.getLowerBounds()[0]);
			}
			Type upper = wildcard.getUpperBounds()[0];
			return (upper == Object.class) ? "?" : "? extends " + describe(upper);
		}
		return type.getTypeName();
	}

	private record Parameterized(Class<?> raw, Type[] arguments) implements ParameterizedType {

		@Override
		public Type[] getActualTypeArguments() {
			return this.arguments.clone();
		}

		@Override
		public Type getRawType() {
			return this.raw;
		}

		@Override
		public Type getOwnerType() {
			return null;
		}

	}

	private record GenericArray(Type component) implements GenericArrayType {

		@Override
		public Type getGenericComponentType() {
			return this.component;
		}

	}

	private record Wildcard(Type[] upper, Type[] lower) implements WildcardType {

		@Override
		public Type[] getUpperBounds() {
			return this.upper.clone();
		}

		@Override
		public Type[] getLowerBounds() {
			return this.lower.clone();
		}

	}

}
