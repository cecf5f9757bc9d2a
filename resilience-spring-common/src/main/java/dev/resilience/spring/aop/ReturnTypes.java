package dev.resilience.spring.aop;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.util.ClassUtils;

/**
 * Decides at startup how a protected method's result is protected, and refuses every
 * return type the annotations cannot protect: an asynchronous type other than
 * {@code CompletionStage}, {@code Mono} and {@code Flux} would only be guarded while the
 * value is built, not while the work it stands for runs, so it stops the application
 * instead of starting silently unprotected.
 * <p>
 * Reactor is optional: its types are known here by name only, and {@code Mono} and
 * {@code Flux} are recognised only when reactor-core is on the classpath. RxJava, Mutiny
 * and Kotlin's coroutine types are recognised by name too, with or without Spring's
 * {@link ReactiveAdapterRegistry} adapters for them. A Kotlin {@code suspend} function is
 * protected as a {@code Mono}, as Spring runs it (see {@link SuspendingFunctions}).
 */
final class ReturnTypes {

	static final String MONO = "reactor.core.publisher.Mono";

	static final String FLUX = "reactor.core.publisher.Flux";

	/** What a refusal tells the user to return instead. */
	static final String SUPPORTED = "a plain value or void, CompletionStage or CompletableFuture, or Reactor's Mono"
			+ " or Flux (with reactor-core on the classpath), or declare a Kotlin suspend function (with"
			+ " kotlinx-coroutines-reactor on the classpath)";

	private static final Class<?> MONO_TYPE = load(MONO);

	private static final Class<?> FLUX_TYPE = load(FLUX);

	/** Asynchronous types (or their roots), by exact class name. */
	private static final Set<String> ASYNC_TYPES = Set.of("org.reactivestreams.Publisher",
			"java.util.concurrent.Flow$Publisher", "kotlinx.coroutines.Deferred", "kotlinx.coroutines.Job",
			"kotlinx.coroutines.flow.Flow", "io.vertx.core.Future");

	/** Packages whose public types are asynchronous: RxJava 1, 2 and 3, and Mutiny. */
	private static final List<String> ASYNC_PACKAGES = List.of("rx.", "io.reactivex.", "io.smallrye.mutiny.");

	private static final ClassValue<Boolean> ASYNC = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> type) {
			return isAsynchronous(type);
		}

	};

	private ReturnTypes() {
	}

	/**
	 * The kind of {@code method}'s result.
	 * @param returnType the return type as the target class binds it
	 * @param annotations the annotations on the method, as written in messages
	 * @param where the method, as named in messages
	 * @throws ResilienceAnnotationException when the annotations cannot protect the type
	 */
	static ReturnKind classify(Method method, Class<?> returnType, String annotations, String where) {
		if (isSuspendingFunction(method)) {
			// Spring runs it as a Mono, or it fails startup naming what is missing.
			return SuspendingFunctions.classify(method, annotations, where);
		}
		if (CompletionStage.class.isAssignableFrom(returnType)) {
			return ReturnKind.COMPLETION_STAGE;
		}
		if (MONO_TYPE != null && MONO_TYPE.isAssignableFrom(returnType)) {
			return ReturnKind.MONO;
		}
		if (FLUX_TYPE != null && FLUX_TYPE.isAssignableFrom(returnType)) {
			return ReturnKind.FLUX;
		}
		if (Future.class.isAssignableFrom(returnType)) {
			throw new ResilienceAnnotationException(annotations + " on " + where + ": return type "
					+ returnType.getName() + " is a Future that is not a CompletionStage, whose completion cannot be"
					+ " followed without blocking a thread, so the annotations would protect only the start of"
					+ " the call; return " + SUPPORTED);
		}
		if (isAsynchronous(returnType)) {
			throw new ResilienceAnnotationException(annotations + " on " + where + ": return type "
					+ returnType.getName() + " is an asynchronous type the annotations cannot follow, so they would"
					+ " protect only the building of the value, not the work it stands for; return " + SUPPORTED);
		}
		return ReturnKind.VALUE;
	}

	/**
	 * Whether a method declared to return {@code returnType}, classified as a plain
	 * value, may still return an asynchronous value at runtime (it is declared to return
	 * {@code Object}, or another supertype of one), so that its results must be checked.
	 */
	static boolean mayHoldAsynchronousValue(Class<?> returnType) {
		return returnType.isAssignableFrom(Future.class) || returnType.isAssignableFrom(CompletionStage.class)
				|| (MONO_TYPE != null && returnType.isAssignableFrom(MONO_TYPE))
				|| (FLUX_TYPE != null && returnType.isAssignableFrom(FLUX_TYPE));
	}

	/**
	 * Whether a value of this class stands for asynchronous work
	 * ({@code CompletionStage}, {@code Future}, {@code Mono}, {@code Flux} included);
	 * computed once per class.
	 */
	static boolean isAsynchronousValue(Class<?> type) {
		return ASYNC.get(type);
	}

	/**
	 * A Kotlin {@code suspend} function: its last parameter is the continuation the
	 * compiler adds.
	 */
	static boolean isSuspendingFunction(Method method) {
		Class<?>[] parameters = method.getParameterTypes();
		return parameters.length > 0
				&& "kotlin.coroutines.Continuation".equals(parameters[parameters.length - 1].getName());
	}

	private static boolean isAsynchronous(Class<?> type) {
		if (Future.class.isAssignableFrom(type) || CompletionStage.class.isAssignableFrom(type)) {
			return true;
		}
		ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(type);
		if (adapter != null) {
			return true;
		}
		for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
			if (isAsynchronousByName(candidate)) {
				return true;
			}
		}
		for (Class<?> candidate : ClassUtils.getAllInterfacesForClassAsSet(type)) {
			if (isAsynchronousByName(candidate)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isAsynchronousByName(Class<?> type) {
		String name = type.getName();
		if (ASYNC_TYPES.contains(name)) {
			return true;
		}
		for (String prefix : ASYNC_PACKAGES) {
			if (name.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

	private static Class<?> load(String name) {
		ClassLoader classLoader = ReturnTypes.class.getClassLoader();
		return ClassUtils.isPresent(name, classLoader) ? ClassUtils.resolveClassName(name, classLoader) : null;
	}

}
