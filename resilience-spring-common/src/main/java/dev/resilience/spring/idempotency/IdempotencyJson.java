package dev.resilience.spring.idempotency;

import java.lang.reflect.Method;

import dev.resilience.idempotency.ResultCodec;

/**
 * The JSON side of {@code @Idempotent}: the codec that stores a method's result and reads
 * it back, and the fingerprint of its arguments. The one place where the two Spring Boot
 * lines differ in idempotency: the Boot 3.5 line implements it with Jackson 2
 * ({@code com.fasterxml.jackson}), the Boot 4 line with Jackson 3
 * ({@code tools.jackson}), each from the application's own mapper. Implementations are
 * thread-safe.
 */
public interface IdempotencyJson {

	/**
	 * The codec of {@code method}'s results, for its generic return type resolved against
	 * {@code targetClass}.
	 * @throws IllegalArgumentException when a result of that type could not be read back,
	 * naming the type and why
	 */
	ResultCodec codecFor(Method method, Class<?> targetClass);

	/**
	 * The fingerprint of {@code value}: the SHA-256 of its canonical JSON (map entries
	 * and properties sorted), the same in every JVM running the same code; {@code null}
	 * is allowed.
	 * @throws IllegalArgumentException naming the type and property that cannot be
	 * written as JSON, never a value
	 */
	String fingerprint(Object value);

}
