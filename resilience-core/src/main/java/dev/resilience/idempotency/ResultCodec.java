package dev.resilience.idempotency;

/**
 * Turns a method's result into stored bytes and back, for one method's return type. Must
 * accept {@code null} (and a {@code void} method's result, which is {@code null}) and
 * never return {@code null} from {@link #encode}. Implementations are thread-safe. The
 * Spring integration provides a JSON codec on the application's {@code ObjectMapper};
 * Java serialization is never used.
 */
public interface ResultCodec {

	byte[] encode(Object result) throws Exception;

	Object decode(byte[] stored) throws Exception;

}
