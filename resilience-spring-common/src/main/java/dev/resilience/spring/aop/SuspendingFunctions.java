package dev.resilience.spring.aop;

import java.lang.reflect.Method;

import org.springframework.core.KotlinDetector;
import org.springframework.core.MethodParameter;
import org.springframework.util.ClassUtils;

/**
 * Kotlin {@code suspend} functions under the annotations. Spring's proxies (Spring
 * Framework 6.1 and later) call a suspend function as a method returning {@code Mono}:
 * the advice chain proceeds to a {@code Mono} that runs the function's body once per
 * subscription, in the caller's coroutine context, and the proxy awaits what the advice
 * returns in the calling coroutine. A suspend function is therefore protected by the
 * Reactor operators of a {@code Mono} method, with the same semantics, and a cancel of
 * the calling coroutine is a cancel of that subscription. See {@code docs/reactive.md}.
 * <p>
 * Spring does that only when the function is declared by a Kotlin class and
 * kotlinx-coroutines-reactor is on the classpath, and it calls the function through
 * kotlin-reflect; without any of them the annotations would guard only the start of the
 * coroutine, so the method fails startup instead, naming what to add.
 * <p>
 * Kotlin is optional: this class refers to no Kotlin type and is used only once a method
 * taking a {@code kotlin.coroutines.Continuation} is found.
 */
final class SuspendingFunctions {

	/** What Spring's AOP looks for before it runs suspend functions as coroutines. */
	private static final boolean COROUTINES_REACTOR_PRESENT = ClassUtils.isPresent("kotlinx.coroutines.reactor.MonoKt",
			SuspendingFunctions.class.getClassLoader());

	private static final boolean REACTOR_PRESENT = ClassUtils.isPresent(ReturnTypes.MONO,
			SuspendingFunctions.class.getClassLoader());

	private SuspendingFunctions() {
	}

	/**
	 * The kind of a suspend function's result: always {@link ReturnKind#MONO}.
	 * @param method a method whose last parameter is a {@code Continuation}
	 * @param annotations the annotations on the method, as written in messages
	 * @param where the method, as named in messages
	 * @throws ResilienceAnnotationException when Spring would not run it as a coroutine,
	 * or when it suspends only to hand back more asynchronous work
	 */
	static ReturnKind classify(Method method, String annotations, String where) {
		String prefix = annotations + " on " + where + ": ";
		if (!KotlinDetector.isKotlinType(method.getDeclaringClass())) {
			throw new ResilienceAnnotationException(prefix + "the method takes a kotlin.coroutines.Continuation but"
					+ " is not declared by a Kotlin class, so Spring does not run it as a suspend function and the"
					+ " annotations would protect only the start of its work; declare it as a suspend function in"
					+ " Kotlin or return " + ReturnTypes.SUPPORTED);
		}
		String missing = missingDependency();
		if (missing != null) {
			throw new ResilienceAnnotationException(prefix + "a Kotlin suspend function is protected as Spring runs"
					+ " it, as a Mono, which needs " + missing + " on the classpath; without it the annotations"
					+ " would protect only the start of the coroutine. Add " + missing);
		}
		Class<?> returnType = kotlinReturnType(method);
		if (ReturnTypes.isAsynchronousValue(returnType)) {
			throw new ResilienceAnnotationException(prefix + "a suspend function returning " + returnType.getName()
					+ " hands back asynchronous work the annotations cannot follow, so"
					+ " they would protect only its building; return the value itself from the suspend function,"
					+ " or return " + ReturnTypes.SUPPORTED + " from a plain function");
		}
		return ReturnKind.MONO;
	}

	/**
	 * The dependency Spring's coroutine support lacks, as a Maven coordinate, or
	 * {@code null} when it has them all.
	 */
	static String missingDependency() {
		if (!REACTOR_PRESENT || !COROUTINES_REACTOR_PRESENT) {
			return "org.jetbrains.kotlinx:kotlinx-coroutines-reactor";
		}
		if (!KotlinDetector.isKotlinReflectPresent()) {
			return "org.jetbrains.kotlin:kotlin-reflect";
		}
		return null;
	}

	/**
	 * What the suspend function returns in Kotlin ({@code String} for
	 * {@code suspend fun load(): String}), where the JVM method returns {@code Object}.
	 */
	static Class<?> kotlinReturnType(Method method) {
		return new MethodParameter(method, -1).getParameterType();
	}

}
