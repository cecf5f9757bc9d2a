package dev.resilience.spring.idempotency;

import tools.jackson.databind.json.JsonMapper;

import dev.resilience.idempotency.IdempotencyKeys;

// Placeholder: a plain Jackson 3 codec until the port of the Boot 3.5 line's checks lands.
public final class Fingerprints {

	private final JsonMapper mapper;

	public Fingerprints(JsonMapper mapper) {
		this.mapper = mapper;
	}

	public String of(Object value) {
		return IdempotencyKeys.sha256Hex(this.mapper.writeValueAsBytes(value));
	}

}
