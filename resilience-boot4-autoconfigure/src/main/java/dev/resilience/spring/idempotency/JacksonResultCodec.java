package dev.resilience.spring.idempotency;

import java.lang.reflect.Method;

import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import dev.resilience.idempotency.ResultCodec;

// Placeholder: a plain Jackson 3 codec until the port of the Boot 3.5 line's checks lands.
public final class JacksonResultCodec implements ResultCodec {

	private final JsonMapper mapper;

	private final JavaType type;

	private JacksonResultCodec(JsonMapper mapper, JavaType type) {
		this.mapper = mapper;
		this.type = type;
	}

	public static JacksonResultCodec forMethod(JsonMapper mapper, Method method, Class<?> targetClass) {
		return new JacksonResultCodec(mapper, mapper.getTypeFactory().constructType(method.getGenericReturnType()));
	}

	@Override
	public byte[] encode(Object result) {
		return this.mapper.writeValueAsBytes(result);
	}

	@Override
	public Object decode(byte[] stored) {
		return this.mapper.readValue(stored, this.type);
	}

}
