package dev.resilience.spring.idempotency;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.deser.AbstractDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.impl.UnsupportedTypeDeserializer;
import com.fasterxml.jackson.databind.deser.std.ContainerDeserializerBase;
import org.springframework.util.Assert;

import dev.resilience.idempotency.ResultCodec;
import dev.resilience.spring.idempotency.ReplayableResults.StoredResponse;

/**
 * {@link ResultCodec} writing a method's result as JSON with the application's
 * {@link ObjectMapper}, for the method's declared generic return type (a
 * {@code List<Receipt>} is read back as a list of {@code Receipt}). Default typing is
 * switched off on the codec's copy of the mapper, so stored JSON can never choose the
 * class it is read into; Java serialization is never used. {@code null} is stored as JSON
 * {@code null}; {@code void} and {@code Void} results are stored as {@code null} and
 * replayed as {@code null}. A {@code ResponseEntity<T>} is stored as its status, headers
 * and a body of type {@code T}, and replayed as a {@code ResponseEntity} with all three.
 * <p>
 * Only what reads back is stored: {@link #forMethod} refuses a return type Jackson cannot
 * read back into (an abstract type without type information, a class without a creator),
 * and {@link #encode} reads every result's JSON back before handing it over, so a result
 * that would fail every replay for its whole ttl fails its own call instead. Thread-safe.
 */
public final class JacksonResultCodec implements ResultCodec {

	private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

	private final ObjectWriter writer;

	private final ObjectReader reader;

	private final JavaType type;

	private final boolean empty;

	private final boolean responseEntity;

	/**
	 * @param type the type results are written as and read back into
	 */
	public JacksonResultCodec(ObjectMapper objectMapper, JavaType type) {
		Assert.notNull(objectMapper, "objectMapper must not be null");
		Assert.notNull(type, "type must not be null");
		ObjectMapper mapper = objectMapper.copy();
		mapper.deactivateDefaultTyping();
		Class<?> raw = type.getRawClass();
		this.type = type;
		this.empty = raw == void.class || raw == Void.class;
		this.responseEntity = isResponseEntity(type);
		JavaType stored = this.responseEntity
				? mapper.getTypeFactory().constructParametricType(StoredResponse.class, type.containedTypeOrUnknown(0))
				: type;
		this.writer = mapper.writerFor(stored);
		this.reader = mapper.readerFor(stored);
	}

	/**
	 * The codec for a method's result: its generic return type, or for a method returning
	 * a {@code CompletionStage<T>} (or {@code CompletableFuture<T>}) or a {@code Mono<T>}
	 * the type {@code T}; for a Kotlin {@code suspend} function, the type it returns in
	 * Kotlin.
	 * @throws IllegalArgumentException for a return type whose value cannot be replayed
	 * (a stream, an iterator, an input stream or reader) or whose JSON form cannot be
	 * read back into it, naming the method and the type
	 */
	public static JacksonResultCodec forMethod(ObjectMapper objectMapper, Method method) {
		return forMethod(objectMapper, method, method.getDeclaringClass());
	}

	/**
	 * The codec for a method's result as called on {@code targetClass}: a type variable
	 * of a generic superclass ({@code R run()} in a {@code Base<R>}) is read as the type
	 * the target class binds it to, not as its bound.
	 * @throws IllegalArgumentException for a return type whose value cannot be replayed
	 * or whose JSON form cannot be read back into it, naming the method and the type
	 */
	public static JacksonResultCodec forMethod(ObjectMapper objectMapper, Method method, Class<?> targetClass) {
		Type returnType = ReplayableResults.declaredResultType(method, targetClass);
		JavaType type = objectMapper.getTypeFactory().constructType(returnType);
		if (CompletionStage.class.isAssignableFrom(type.getRawClass())) {
			JavaType[] parameters = objectMapper.getTypeFactory().findTypeParameters(type, CompletionStage.class);
			type = (parameters.length == 1) ? parameters[0] : objectMapper.getTypeFactory().constructType(Object.class);
		}
		else if (ReplayableResults.isMono(type.getRawClass())) {
			type = type.containedTypeOrUnknown(0);
		}
		String where = targetClass.getSimpleName() + "." + method.getName();
		Class<?> raw = type.getRawClass();
		ReplayableResults.requireReplayable(raw, where);
		if (raw != void.class && raw != Void.class) {
			JavaType readBack = isResponseEntity(type) ? type.containedTypeOrUnknown(0) : type;
			String problem = new Readability(objectMapper).problem(readBack);
			if (problem != null) {
				throw new IllegalArgumentException("@Idempotent " + where + " returns " + Readability.describe(type)
						+ ", whose JSON form cannot be read back into it: " + problem);
			}
		}
		return new JacksonResultCodec(objectMapper, type);
	}

	@Override
	public byte[] encode(Object result) throws IOException {
		if (this.empty || result == null) {
			return NULL.clone();
		}
		byte[] json = this.writer.writeValueAsBytes(this.responseEntity ? ReplayableResults.toStored(result) : result);
		try {
			this.reader.readValue(json);
		}
		catch (IOException | RuntimeException ex) {
			// The cause may quote the result; this message must not.
			throw new IOException("the JSON written for this result cannot be read back as "
					+ Readability.describe(this.type) + " (" + ex.getClass().getSimpleName() + ")", ex);
		}
		return json;
	}

	@Override
	public Object decode(byte[] stored) throws IOException {
		if (this.empty) {
			return null;
		}
		Object value = this.reader.readValue(stored);
		return (this.responseEntity && value != null) ? ReplayableResults.fromStored((StoredResponse<?>) value) : value;
	}

	private static boolean isResponseEntity(JavaType type) {
		return ReplayableResults.isResponseEntity(type.getRawClass());
	}

	/**
	 * Finds, before any call, what in a type Jackson would fail to read back: the type
	 * itself or anything reachable through its properties and elements.
	 */
	private static final class Readability {

		private final DeserializationContext context;

		private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());

		Readability(ObjectMapper mapper) {
			ObjectMapper copy = mapper.copy();
			copy.deactivateDefaultTyping();
			this.context = ((DefaultDeserializationContext) copy.getDeserializationContext())
				.createDummyInstance(copy.getDeserializationConfig());
		}

		/**
		 * Why {@code type} cannot be read back, or {@code null} when it can or when
		 * Jackson will not tell before a value is read (then {@link #encode}'s read-back
		 * still guards each result).
		 */
		String problem(JavaType type) {
			try {
				return problem(type, null, "");
			}
			catch (IllegalStateException ex) {
				// A deserializer of a cyclic type that is not fully resolved yet.
				return null;
			}
		}

		/**
		 * @param context where {@code type} was reached from, such as
		 * {@code " in Order.lines"}; empty for the return type itself
		 */
		private String problem(JavaType type, JsonDeserializer<?> known, String context) {
			if (type.getRawClass() == Object.class || hasTypeInformation(type)) {
				return null;
			}
			JsonDeserializer<?> deserializer = known;
			try {
				if (deserializer == null) {
					deserializer = this.context.findRootValueDeserializer(type);
				}
			}
			catch (JsonMappingException ex) {
				return describe(type) + context + ": " + ex.getOriginalMessage();
			}
			if (!this.seen.add(deserializer)) {
				return null;
			}
			if (deserializer instanceof AbstractDeserializer) {
				return describe(type) + context + " is abstract and its JSON does not say which class to build;"
						+ " declare a concrete type or add @JsonTypeInfo to it";
			}
			if (deserializer instanceof UnsupportedTypeDeserializer) {
				return describe(type) + context + " needs a Jackson module that the application's ObjectMapper does"
						+ " not register";
			}
			if (deserializer instanceof BeanDeserializerBase bean) {
				return beanProblem(type, bean, context);
			}
			String inside = " in " + describe(type) + context;
			if (deserializer instanceof ContainerDeserializerBase<?> container && container.getContentType() != null) {
				return problem(container.getContentType(), container.getContentDeserializer(), inside);
			}
			if (type.isContainerType() || type.isReferenceType()) {
				return problem(type.getContentType(), null, inside);
			}
			return null;
		}

		private String beanProblem(JavaType type, BeanDeserializerBase bean, String context) {
			ValueInstantiator instantiator = bean.getValueInstantiator();
			if (!instantiator.canInstantiate()) {
				return describe(type) + context + " has no creator Jackson can use; make it a record, give it a"
						+ " no-argument constructor or mark a constructor with @JsonCreator";
			}
			if (instantiator.canCreateUsingDelegate() || instantiator.canCreateUsingArrayDelegate()) {
				return null;
			}
			for (Iterator<SettableBeanProperty> properties = bean.properties(); properties.hasNext();) {
				SettableBeanProperty property = properties.next();
				if (property.getValueTypeDeserializer() != null) {
					continue;
				}
				String problem = problem(property.getType(),
						property.hasValueDeserializer() ? property.getValueDeserializer() : null,
						" in " + describe(type) + "." + property.getName());
				if (problem != null) {
					return problem;
				}
			}
			return null;
		}

		/**
		 * {@code Map<String, List<Receipt>>}: simple names, as in every startup message.
		 */
		static String describe(JavaType type) {
			StringBuilder description = new StringBuilder(type.getRawClass().getSimpleName());
			if (type.containedTypeCount() > 0) {
				description.append('<');
				for (int i = 0; i < type.containedTypeCount(); i++) {
					description.append((i > 0) ? ", " : "").append(describe(type.containedType(i)));
				}
				description.append('>');
			}
			return description.toString();
		}

		private boolean hasTypeInformation(JavaType type) {
			try {
				return this.context.getFactory().findTypeDeserializer(this.context.getConfig(), type) != null;
			}
			catch (JsonMappingException ex) {
				return false;
			}
		}

	}

}
