package dev.resilience.spring.idempotency;

import java.lang.reflect.Method;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.util.Assert;

import dev.resilience.idempotency.ResultCodec;

/**
 * {@link IdempotencyJson} of the Boot 3.5 line: Jackson 2, from a copy of the
 * application's {@link ObjectMapper} (the mapper itself is never reconfigured).
 * Thread-safe.
 */
public final class JacksonIdempotencyJson implements IdempotencyJson {

	private final ObjectMapper objectMapper;

	private final Fingerprints fingerprints;

	public JacksonIdempotencyJson(ObjectMapper objectMapper) {
		Assert.notNull(objectMapper, "objectMapper must not be null");
		this.objectMapper = objectMapper;
		this.fingerprints = new Fingerprints(objectMapper);
	}

	@Override
	public ResultCodec codecFor(Method method, Class<?> targetClass) {
		return JacksonResultCodec.forMethod(this.objectMapper, method, targetClass);
	}

	@Override
	public String fingerprint(Object value) {
		return this.fingerprints.of(value);
	}

}
