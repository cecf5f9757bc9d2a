package dev.resilience.spring.idempotency;

import java.util.List;

import org.springframework.util.Assert;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fingerprints of a call's arguments: lowercase hex SHA-256 of their canonical JSON,
 * written by a copy of the application's Jackson 3 {@link JsonMapper} with map entries,
 * bean properties (creator properties among them) and JSON object fields sorted by name,
 * no indentation and no default typing. Equal arguments therefore give the same
 * fingerprint in every JVM running the same code, whatever the order of a
 * {@code HashMap}. A bean with no property to write is refused as on the Boot 3.5 line
 * (Jackson 3 would write it as {@code {}}, so that two different values would share a
 * fingerprint), and enums are written by name, as on the Boot 3.5 line. The value itself
 * is never logged or kept. Thread-safe.
 */
public final class Fingerprints {

	private final JsonMapper canonical;

	public Fingerprints(JsonMapper jsonMapper) {
		Assert.notNull(jsonMapper, "jsonMapper must not be null");
		this.canonical = jsonMapper.rebuild()
			.deactivateDefaultTyping()
			.enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
			// Jackson 3 keeps creator properties (a record's components) first, in
			// declaration order
			.disable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
			.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
			.enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
			.disable(SerializationFeature.INDENT_OUTPUT)
			.enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
			// so that a getter's own exception arrives with the type and property it came
			// from
			.enable(SerializationFeature.WRAP_EXCEPTIONS)
			// enums by name, as Jackson 2 writes them: the same arguments keep their
			// fingerprint when an application moves from the Boot 3.5 line to this one
			// with records still in its store
			.disable(EnumFeature.WRITE_ENUMS_USING_TO_STRING)
			.build();
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
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"Cannot compute an idempotency fingerprint: " + where(value, ex) + " cannot be written as JSON",
					ex);
		}
	}

	/**
	 * The innermost type and property Jackson was writing when it failed, such as
	 * {@code a com.example.Order.customer}.
	 */
	private static String where(Object value, JacksonException ex) {
		List<JacksonException.Reference> path = ex.getPath();
		if (!path.isEmpty()) {
			JacksonException.Reference last = path.get(path.size() - 1);
			Object from = last.from();
			String type = (from instanceof Class<?> c) ? c.getName() : (from != null) ? from.getClass().getName() : "?";
			return "a " + type
					+ ((last.getPropertyName() != null) ? "." + last.getPropertyName() : "[" + last.getIndex() + "]");
		}
		return "a " + ((value != null) ? value.getClass().getName() : "null");
	}

	/** The canonical JSON that {@link #of} hashes; for tests and diagnostics. */
	public String canonicalJson(Object value) {
		return this.canonical.writeValueAsString(value);
	}

}
