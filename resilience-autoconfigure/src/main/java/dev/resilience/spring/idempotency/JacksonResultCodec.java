package dev.resilience.spring.idempotency;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.CompletionStage;
import java.util.stream.BaseStream;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

import dev.resilience.idempotency.ResultCodec;

import org.springframework.core.GenericTypeResolver;
import org.springframework.util.Assert;

/**
 * {@link ResultCodec} writing a method's result as JSON with the application's
 * {@link ObjectMapper}, for the method's declared generic return type (a {@code List<Receipt>} is
 * read back as a list of {@code Receipt}). Default typing is switched off on the codec's copy of
 * the mapper, so stored JSON can never choose the class it is read into; Java serialization is
 * never used. {@code null} is stored as JSON {@code null}; {@code void} and {@code Void} results
 * are stored as {@code null} and replayed as {@code null}. Thread-safe.
 */
public final class JacksonResultCodec implements ResultCodec {

	private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

	private final ObjectWriter writer;

	private final ObjectReader reader;

	private final boolean empty;

	/**
	 * @param type the type results are written as and read back into
	 */
	public JacksonResultCodec(ObjectMapper objectMapper, JavaType type) {
		Assert.notNull(objectMapper, "objectMapper must not be null");
		Assert.notNull(type, "type must not be null");
		ObjectMapper mapper = objectMapper.copy();
		mapper.deactivateDefaultTyping();
		Class<?> raw = type.getRawClass();
		this.empty = raw == void.class || raw == Void.class;
		this.writer = mapper.writerFor(type);
		this.reader = mapper.readerFor(type);
	}

	/**
	 * The codec for a method's result: its generic return type, or for a method returning a
	 * {@code CompletionStage<T>} (or {@code CompletableFuture<T>}) the type {@code T}.
	 * @throws IllegalArgumentException for a return type whose value cannot be replayed (a stream,
	 * an iterator, an input stream or reader), naming the method
	 */
	public static JacksonResultCodec forMethod(ObjectMapper objectMapper, Method method) {
		return forMethod(objectMapper, method, method.getDeclaringClass());
	}

	/**
	 * The codec for a method's result as called on {@code targetClass}: a type variable of a
	 * generic superclass ({@code R run()} in a {@code Base<R>}) is read as the type the target
	 * class binds it to, not as its bound.
	 * @throws IllegalArgumentException for a return type whose value cannot be replayed, naming the
	 * method
	 */
	public static JacksonResultCodec forMethod(ObjectMapper objectMapper, Method method, Class<?> targetClass) {
		Type returnType = GenericTypeResolver.resolveType(method.getGenericReturnType(), targetClass);
		JavaType type = objectMapper.getTypeFactory().constructType(returnType);
		if (CompletionStage.class.isAssignableFrom(type.getRawClass())) {
			JavaType[] parameters = objectMapper.getTypeFactory().findTypeParameters(type, CompletionStage.class);
			type = (parameters.length == 1) ? parameters[0] : objectMapper.getTypeFactory().constructType(Object.class);
		}
		Class<?> raw = type.getRawClass();
		for (Class<?> unreplayable : new Class<?>[] { BaseStream.class, InputStream.class, Reader.class, Iterator.class }) {
			if (unreplayable.isAssignableFrom(raw)) {
				throw new IllegalArgumentException("@Idempotent " + method.getDeclaringClass().getSimpleName() + "."
						+ method.getName() + " returns " + raw.getName()
						+ ", which is consumed once and cannot be stored and replayed; return a value such as a List or a DTO");
			}
		}
		return new JacksonResultCodec(objectMapper, type);
	}

	@Override
	public byte[] encode(Object result) throws IOException {
		if (this.empty || result == null) {
			return NULL.clone();
		}
		return this.writer.writeValueAsBytes(result);
	}

	@Override
	public Object decode(byte[] stored) throws IOException {
		if (this.empty) {
			return null;
		}
		return this.reader.readValue(stored);
	}

}
