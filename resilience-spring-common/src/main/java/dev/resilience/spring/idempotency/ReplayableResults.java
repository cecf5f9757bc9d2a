package dev.resilience.spring.idempotency;

import java.io.InputStream;
import java.io.Reader;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.BaseStream;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.util.ClassUtils;

/**
 * What every line's result codec needs to know of a method's result before any JSON
 * library sees it: which return types cannot be replayed at all, and the stored form of a
 * {@code ResponseEntity<T>} (its status, headers and a body read back as {@code T}).
 * Written once for the Jackson 2 codec of the Boot 3.5 line and the Jackson 3 codec of
 * the Boot 4 line.
 */
public final class ReplayableResults {

	private static final List<Class<?>> UNREPLAYABLE_TYPES = List.of(BaseStream.class, InputStream.class, Reader.class,
			Iterator.class);

	/**
	 * spring-web is optional: without it no method can return a {@code ResponseEntity}.
	 */
	private static final boolean RESPONSE_ENTITY_PRESENT = ClassUtils
		.isPresent("org.springframework.http.ResponseEntity", ReplayableResults.class.getClassLoader());

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
