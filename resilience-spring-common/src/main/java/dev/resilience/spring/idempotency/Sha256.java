package dev.resilience.spring.idempotency;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash behind every fingerprint, on both Boot lines: lowercase hex SHA-256. Stored
 * records carry these values, so they must never change. Thread-safe, stateless.
 */
final class Sha256 {

	private static final HexFormat HEX = HexFormat.of();

	private Sha256() {
	}

	/** Lowercase hex SHA-256 of {@code bytes}: 64 characters. */
	static String hex(byte[] bytes) {
		try {
			return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			// every Java platform is required to provide SHA-256
			throw new IllegalStateException(ex);
		}
	}

}
