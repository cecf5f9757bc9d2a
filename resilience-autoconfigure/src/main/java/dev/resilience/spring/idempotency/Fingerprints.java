package dev.resilience.spring.idempotency;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import org.springframework.util.Assert;

/**
 * Fingerprints of a call's arguments: lowercase hex SHA-256 of their canonical JSON,
 * written by a copy of the application's {@link ObjectMapper} with map entries, bean
 * properties and JSON object fields sorted by name, no indentation and no default typing.
 * Equal arguments therefore give the same fingerprint in every JVM running the same code,
 * whatever the order of a {@code HashMap}. The value itself is never logged or kept.
 * Thread-safe.
 */
public final class Fingerprints {

	private final ObjectMapper canonical;

	@SuppressWarnings("deprecation") // a mapper of unknown concrete type has no builder;
										// configure() is the way
	public Fingerprints(ObjectMapper objectMapper) {
		Assert.notNull(objectMapper, "objectMapper must not be null");
		ObjectMapper copy = objectMapper.copy();
		copy.deactivateDefaultTyping();
		copy.configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true);
		copy.configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
		copy.configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, true);
		copy.configure(SerializationFeature.INDENT_OUTPUT, false);
		this.canonical = copy;
	}

	/**
	 * The fingerprint of {@code value}: a single argument, an {@code Object[]} of all
	 * arguments, or the value of a {@code fingerprint} expression; {@code null} is
	 * allowed.
	 * @throws IllegalArgumentException naming the type and property that cannot be
	 * written as JSON, never a value (the writer's own message, which may quote one,
	 * stays in the cause)
	 */
	public String of(Object value) {
		try {
			return Sha256.hex(this.canonical.writeValueAsBytes(value));
		}
		catch (JsonProcessingException ex) {
			throw new IllegalArgumentException(
					"Cannot compute an idempotency fingerprint: " + where(value, ex) + " cannot be written as JSON",
					ex);
		}
	}

	/**
	 * The innermost type and property Jackson was writing when it failed, such as
	 * {@code a com.example.Order.customer}.
	 */
	private static String where(Object value, JsonProcessingException ex) {
		if (ex instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
			List<JsonMappingException.Reference> path = mapping.getPath();
			JsonMappingException.Reference last = path.get(path.size() - 1);
			Object from = last.getFrom();
			String type = (from instanceof Class<?> c) ? c.getName() : (from != null) ? from.getClass().getName() : "?";
			return "a " + type
					+ ((last.getFieldName() != null) ? "." + last.getFieldName() : "[" + last.getIndex() + "]");
		}
		return "a " + ((value != null) ? value.getClass().getName() : "null");
	}

	/** The canonical JSON that {@link #of} hashes; for tests and diagnostics. */
	public String canonicalJson(Object value) throws JsonProcessingException {
		return this.canonical.writeValueAsString(value);
	}

}
