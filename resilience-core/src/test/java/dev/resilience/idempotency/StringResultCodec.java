package dev.resilience.idempotency;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Test codec for {@code String} results, {@code null} included; anything else cannot be
 * encoded, which lets tests provoke a serialization failure.
 */
public final class StringResultCodec implements ResultCodec {

	public static final StringResultCodec INSTANCE = new StringResultCodec();

	@Override
	public byte[] encode(Object result) {
		if (result == null) {
			return new byte[] { 'N' };
		}
		if (!(result instanceof String string)) {
			throw new IllegalArgumentException("cannot encode a " + result.getClass().getSimpleName());
		}
		byte[] bytes = string.getBytes(StandardCharsets.UTF_8);
		byte[] encoded = new byte[bytes.length + 1];
		encoded[0] = 'S';
		System.arraycopy(bytes, 0, encoded, 1, bytes.length);
		return encoded;
	}

	@Override
	public Object decode(byte[] stored) {
		if (stored.length == 1 && stored[0] == 'N') {
			return null;
		}
		if (stored.length == 0 || stored[0] != 'S') {
			throw new IllegalArgumentException("not a stored string: " + Arrays.toString(stored));
		}
		return new String(stored, 1, stored.length - 1, StandardCharsets.UTF_8);
	}

}
