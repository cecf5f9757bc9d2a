package dev.resilience.spring.idempotency;

import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.BaseStream;

import org.springframework.core.GenericTypeResolver;
import org.springframework.core.KotlinDetector;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.util.ClassUtils;

/**
 * What every line's result codec needs to know of a method's result before any JSON
 * library sees it: which return types cannot be replayed at all, and the stored form of a
 * {@code ResponseEntity<T>} (its status, headers and a body read back as {@code T}), and,
 * for a Kotlin {@code suspend} function, what its caller passes and gets back, which its
 * JVM signature does not say (a trailing {@code Continuation} parameter, an
 * {@code Object} result). Written once for the Jackson 2 codec of the Boot 3.5 line and
 * the Jackson 3 codec of the Boot 4 line.
 */
public final class ReplayableResults {

	private static final List<Class<?>> UNREPLAYABLE_TYPES = List.of(BaseStream.class, InputStream.class, Reader.class,
			Iterator.class);

	/**
	 * spring-web is optional: without it no method can return a {@code ResponseEntity}.
	 */
	private static final boolean RESPONSE_ENTITY_PRESENT = ClassUtils
		.isPresent("org.springframework.http.ResponseEntity", ReplayableResults.class.getClassLoader());

	private static final String CONTINUATION = "kotlin.coroutines.Continuation";

	/** Kotlin's {@code Unit}, when Kotlin is on the classpath. */
	private static final Class<?> KOTLIN_UNIT = kotlinUnit();

	private ReplayableResults() {
	}

	/**
	 * @param where the method, as startup messages name it ({@code OrderService.place})
	 * @throws IllegalArgumentException for a type whose value is consumed once (a stream,
	 * an iterator, an input stream or reader)
	 */
	public static void requireReplayable(Class<?> resultType, String where) {
		for (Class<?> unreplayable : UNREPLAYABLE_TYPES) {
			if (unreplayable.isAssignableFrom(resultType)) {
				throw new IllegalArgumentException("@Idempotent " + where + " returns " + resultType.getName()
						+ ", which is consumed once and cannot be stored and replayed; return a value such as a List or a DTO");
			}
		}
	}

	/**
	 * Whether a method declared to return {@code type} returns Reactor's {@code Mono},
	 * whose element is what is stored and replayed; checked by name, so that Reactor is
	 * not needed on the classpath.
	 */
	public static boolean isMono(Class<?> type) {
		return type.getName().equals("reactor.core.publisher.Mono");
	}

	/**
	 * The type a call of {@code method} on {@code targetClass} answers its caller with:
	 * the generic return type, type variables resolved against the target class; for a
	 * Kotlin {@code suspend} function, the type it returns in Kotlin ({@code Receipt} for
	 * {@code suspend fun charge(...): Receipt}), {@code Void} for {@code Unit}.
	 */
	public static Type declaredResultType(Method method, Class<?> targetClass) {
		if (!isSuspendingFunction(method)) {
			return GenericTypeResolver.resolveType(method.getGenericReturnType(), targetClass);
		}
		Type kotlinType = new MethodParameter(method, -1).getGenericParameterType();
		if (kotlinType == KOTLIN_UNIT) {
			// Spring's coroutine bridge completes a Unit function's Mono empty.
			return Void.class;
		}
		return GenericTypeResolver.resolveType(kotlinType, targetClass);
	}

	/**
	 * How many arguments the caller of {@code method} passes: all its parameters but a
	 * Kotlin {@code suspend} function's trailing continuation.
	 */
	public static int declaredParameterCount(Method method) {
		return method.getParameterCount() - (isSuspendingFunction(method) ? 1 : 0);
	}

	/**
	 * The arguments of a call of {@code method} as its caller passed them: without a
	 * Kotlin {@code suspend} function's continuation, which is neither part of a key nor
	 * of a fingerprint.
	 */
	public static Object[] declaredArguments(Method method, Object[] arguments) {
		int count = declaredParameterCount(method);
		return (count == arguments.length) ? arguments : Arrays.copyOf(arguments, count);
	}

	private static Class<?> kotlinUnit() {
		ClassLoader loader = ReplayableResults.class.getClassLoader();
		return ClassUtils.isPresent("kotlin.Unit", loader) ? ClassUtils.resolveClassName("kotlin.Unit", loader) : null;
	}

	private static boolean isSuspendingFunction(Method method) {
		Class<?>[] parameters = method.getParameterTypes();
		return parameters.length > 0 && parameters[parameters.length - 1].getName().equals(CONTINUATION)
				&& KotlinDetector.isKotlinType(method.getDeclaringClass());
	}

	/** Whether results of this type are stored as a {@link StoredResponse}. */
	public static boolean isResponseEntity(Class<?> resultType) {
		return RESPONSE_ENTITY_PRESENT && ResponseEntities.is(resultType);
	}

	/** The stored form of a {@code ResponseEntity} result. */
	public static StoredResponse<?> toStored(Object responseEntity) {
		return ResponseEntities.toStored(responseEntity);
	}

	/** The {@code ResponseEntity} a stored form replays as. */
	public static Object fromStored(StoredResponse<?> stored) {
		return ResponseEntities.fromStored(stored);
	}

	/**
	 * How a {@code ResponseEntity<T>} is stored; read back by each line's Jackson for
	 * {@code T}.
	 */
	public record StoredResponse<T>(int status, Map<String, List<String>> headers, T body) {
	}

	/** Loaded only when spring-web is present. */
	private static final class ResponseEntities {

		static boolean is(Class<?> type) {
			return type == ResponseEntity.class;
		}

		static StoredResponse<?> toStored(Object result) {
			ResponseEntity<?> entity = (ResponseEntity<?>) result;
			Map<String, List<String>> headers = new LinkedHashMap<>();
			entity.getHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
			return new StoredResponse<>(entity.getStatusCode().value(), headers, entity.getBody());
		}

		static Object fromStored(StoredResponse<?> response) {
			HttpHeaders headers = new HttpHeaders();
			if (response.headers() != null) {
				response.headers().forEach(headers::addAll);
			}
			return new ResponseEntity<>(response.body(), headers, HttpStatusCode.valueOf(response.status()));
		}

	}

}
