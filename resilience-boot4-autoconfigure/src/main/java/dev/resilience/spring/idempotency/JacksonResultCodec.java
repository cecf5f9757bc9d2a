package dev.resilience.spring.idempotency;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.springframework.util.Assert;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.deser.AbstractDeserializer;
import tools.jackson.databind.deser.SettableBeanProperty;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.bean.BeanDeserializerBase;
import tools.jackson.databind.deser.impl.UnsupportedTypeDeserializer;
import tools.jackson.databind.deser.std.ContainerDeserializerBase;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.ser.PropertyWriter;
import tools.jackson.databind.ser.bean.BeanSerializerBase;
import tools.jackson.databind.type.TypeFactory;

import dev.resilience.idempotency.ResultCodec;
import dev.resilience.spring.idempotency.ReplayableResults.StoredResponse;

/**
 * {@link ResultCodec} writing a method's result as JSON with the application's Jackson 3
 * {@link JsonMapper}, for the method's declared generic return type (a
 * {@code List<Receipt>} is read back as a list of {@code Receipt}). The codec works on a
 * copy of the mapper rebuilt with default typing switched off, so stored JSON can never
 * choose the class it is read into, and with
 * {@link SerializationFeature#FAIL_ON_EMPTY_BEANS} switched on (Jackson 3 writes a bean
 * without properties as {@code {}}, which reads back as something else); Java
 * serialization is never used. {@code null} is stored as JSON {@code null}; {@code void}
 * and {@code Void} results are stored as {@code null} and replayed as {@code null}. A
 * {@code ResponseEntity<T>} is stored as its status, headers and a body of type
 * {@code T}, and replayed as a {@code ResponseEntity} with all three.
 * <p>
 * Only what reads back is stored: {@link #forMethod} refuses a return type Jackson cannot
 * read back into (an abstract type without type information, a class without a creator, a
 * creator that needs a property the type's JSON never contains), and {@link #encode}
 * reads every result's JSON back before handing it over, so a result that would fail
 * every replay for its whole ttl fails its own call instead. Thread-safe.
 */
public final class JacksonResultCodec implements ResultCodec {

	private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

	private final ObjectWriter writer;

	private final ObjectReader reader;

	private final JavaType type;

	private final boolean empty;

	private final boolean responseEntity;

	/**
	 * @param jsonMapper the application's mapper; the codec uses a copy of it (see the
	 * class description) and never changes it
	 * @param type the type results are written as and read back into
	 */
	public JacksonResultCodec(JsonMapper jsonMapper, JavaType type) {
		this(type, storing(jsonMapper));
	}

	/**
	 * @param mapper the codec's copy, from {@link #storing}
	 */
	private JacksonResultCodec(JavaType type, JsonMapper mapper) {
		Assert.notNull(type, "type must not be null");
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
	public static JacksonResultCodec forMethod(JsonMapper jsonMapper, Method method) {
		return forMethod(jsonMapper, method, method.getDeclaringClass());
	}

	/**
	 * The codec for a method's result as called on {@code targetClass}: a type variable
	 * of a generic superclass ({@code R run()} in a {@code Base<R>}) is read as the type
	 * the target class binds it to, not as its bound.
	 * @throws IllegalArgumentException for a return type whose value cannot be replayed
	 * or whose JSON form cannot be read back into it, naming the method and the type
	 */
	public static JacksonResultCodec forMethod(JsonMapper jsonMapper, Method method, Class<?> targetClass) {
		JsonMapper mapper = storing(jsonMapper);
		TypeFactory types = mapper.getTypeFactory();
		Type returnType = ReplayableResults.declaredResultType(method, targetClass);
		JavaType type = types.constructType(returnType);
		if (CompletionStage.class.isAssignableFrom(type.getRawClass())) {
			JavaType[] parameters = types.findTypeParameters(type, CompletionStage.class);
			type = (parameters.length == 1) ? parameters[0] : types.constructType(Object.class);
		}
		else if (ReplayableResults.isMono(type.getRawClass())) {
			type = type.containedTypeOrUnknown(0);
		}
		String where = targetClass.getSimpleName() + "." + method.getName();
		Class<?> raw = type.getRawClass();
		ReplayableResults.requireReplayable(raw, where);
		if (raw != void.class && raw != Void.class) {
			JavaType readBack = isResponseEntity(type) ? type.containedTypeOrUnknown(0) : type;
			String problem = new Readability(mapper).problem(readBack);
			if (problem != null) {
				throw new IllegalArgumentException("@Idempotent " + where + " returns " + Readability.describe(type)
						+ ", whose JSON form cannot be read back into it: " + problem);
			}
		}
		return new JacksonResultCodec(type, mapper);
	}

	/** The codec's copy of the application's mapper: see the class description. */
	private static JsonMapper storing(JsonMapper jsonMapper) {
		Assert.notNull(jsonMapper, "jsonMapper must not be null");
		return jsonMapper.rebuild().deactivateDefaultTyping().enable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();
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
		catch (RuntimeException ex) {
			// The cause may quote the result; this message must not.
			throw new IOException("the JSON written for this result cannot be read back as "
					+ Readability.describe(this.type) + " (" + ex.getClass().getSimpleName() + ")", ex);
		}
		return json;
	}

	@Override
	public Object decode(byte[] stored) {
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

		private final SerializationContext serialization;

		private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());

		/**
		 * @param mapper a mapper without default typing, as the codec's own
		 */
		Readability(JsonMapper mapper) {
			// Jackson 3 has no public way to look up a deserializer outside a read; these
			// underscore methods are public (Jackson's own tests use them) and
			// side-effect free.
			this.context = mapper._deserializationContext();
			this.serialization = mapper._serializationContext();
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
		private String problem(JavaType type, ValueDeserializer<?> known, String context) {
			if (type.getRawClass() == Object.class || hasTypeInformation(type)) {
				return null;
			}
			ValueDeserializer<?> deserializer = known;
			try {
				if (deserializer == null) {
					deserializer = this.context.findRootValueDeserializer(type);
				}
			}
			catch (JacksonException ex) {
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
				return describe(type) + context + " needs a Jackson module that the application's JsonMapper does"
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
			if (instantiator.canCreateFromObjectWith()) {
				String missing = missingCreatorProperty(type, instantiator);
				if (missing != null) {
					return describe(type) + context + " is built by a creator that needs " + missing
							+ ", which its JSON form does not contain; write it (a getter or @JsonProperty),"
							+ " or mark the creator that reads what is written with @JsonCreator";
				}
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
		 * A creator parameter that reading fails without, and that the type's own JSON
		 * never contains, such as {@code version (int)}; {@code null} when there is none
		 * or when the type is not written property by property. Jackson 3 finds creators
		 * by parameter names on its own, so a constructor that only looks like a creator
		 * is found too: without this its JSON would fail every read-back, call after
		 * call.
		 */
		private String missingCreatorProperty(JavaType type, ValueInstantiator instantiator) {
			Set<String> written = writtenProperties(type);
			if (written == null) {
				return null;
			}
			DeserializationConfig config = this.context.getConfig();
			SettableBeanProperty[] parameters = instantiator.getFromObjectArguments(config);
			if (parameters == null) {
				return null;
			}
			for (SettableBeanProperty parameter : parameters) {
				if (parameter == null || parameter.getInjectableValueId() != null
						|| written.contains(parameter.getName())) {
					continue;
				}
				boolean needed = parameter.isRequired()
						|| config.isEnabled(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
						|| (parameter.getType().isPrimitive()
								&& config.isEnabled(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES));
				if (needed) {
					return parameter.getName() + " (" + describe(parameter.getType()) + ")";
				}
			}
			return null;
		}

		/**
		 * The names the type's serializer writes, or {@code null} when it is not a bean
		 * serializer.
		 */
		private Set<String> writtenProperties(JavaType type) {
			ValueSerializer<Object> serializer;
			try {
				serializer = this.serialization.findValueSerializer(type);
			}
			catch (JacksonException ex) {
				return null;
			}
			if (!(serializer instanceof BeanSerializerBase bean)) {
				return null;
			}
			Set<String> names = new HashSet<>();
			for (Iterator<PropertyWriter> properties = bean.properties(); properties.hasNext();) {
				names.add(properties.next().getName());
			}
			return names;
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
				return this.context.findTypeDeserializer(type) != null;
			}
			catch (JacksonException ex) {
				return false;
			}
		}

	}

}
