package dev.resilience.spring.idempotency;

import java.lang.reflect.Method;

import org.springframework.util.Assert;
import tools.jackson.databind.json.JsonMapper;

import dev.resilience.idempotency.ResultCodec;

/**
 * {@link IdempotencyJson} of the Boot 4 line: Jackson 3, from a copy of the application's
 * {@link JsonMapper} (the mapper itself is never reconfigured). Thread-safe.
 */
public final class JacksonIdempotencyJson implements IdempotencyJson {

	private final JsonMapper jsonMapper;

	private final Fingerprints fingerprints;

	public JacksonIdempotencyJson(JsonMapper jsonMapper) {
		Assert.notNull(jsonMapper, "jsonMapper must not be null");
		this.jsonMapper = jsonMapper;
		this.fingerprints = new Fingerprints(jsonMapper);
	}

	@Override
	public ResultCodec codecFor(Method method, Class<?> targetClass) {
		return JacksonResultCodec.forMethod(this.jsonMapper, method, targetClass);
	}

	@Override
	public String fingerprint(Object value) {
		return this.fingerprints.of(value);
	}

}
