package dev.resilience.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Key validation and record ids. A record id is the lowercase hex SHA-256 of the key
 * prefix, the scope, the instance name and the key, each length-prefixed so that no two
 * different tuples hash the same input ({@code ("a:b", "c")} and {@code ("a", "b:c")}
 * differ). The raw key goes no further than this class: stores and logs see only the id.
 * Thread-safe, stateless.
 */
public final class IdempotencyKeys {

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private IdempotencyKeys() {
	}

	/**
	 * Checks a key: not null, not empty, at most {@code maxKeyLength} characters, each
	 * one visible ASCII ({@code !} to {@code ~}).
	 * @throws InvalidIdempotencyKeyException naming the broken rule, never the key
	 */
	public static void validate(String instanceName, String key, int maxKeyLength) {
		String reason = violation(key, maxKeyLength);
		if (reason != null) {
			throw new InvalidIdempotencyKeyException(instanceName, reason);
		}
	}

	/** The broken rule, or {@code null} for a valid key. */
	static String violation(String key, int maxKeyLength) {
		if (key == null) {
			return "is missing (null)";
		}
		int length = key.length();
		if (length == 0) {
			return "is empty";
		}
		if (length > maxKeyLength) {
			return "is too long (" + length + " > " + maxKeyLength + " characters)";
		}
		for (int i = 0; i < length; i++) {
			char c = key.charAt(i);
			if (c < '!' || c > '~') {
				return "has a character outside visible ASCII at index " + i;
			}
		}
		return null;
	}

	/**
	 * The record id of a key.
	 * @param scope principal name, or {@code null} for the global scope (distinct from
	 * every name)
	 */
	public static String recordId(String keyPrefix, String scope, String instanceName, String key) {
		MessageDigest digest = sha256();
		update(digest, keyPrefix);
		update(digest, scope);
		update(digest, instanceName);
		update(digest, key);
		return hex(digest.digest());
	}

	/**
	 * The record id of a key in a namespace of its own within an instance, such as one
	 * method's records under a configuration name that several methods share. A
	 * {@code null} namespace gives {@link #recordId(String, String, String, String)}; any
	 * other never equals it, since the hashed input has one more length-prefixed part.
	 */
	public static String recordId(String keyPrefix, String scope, String instanceName, String namespace, String key) {
		if (namespace == null) {
			return recordId(keyPrefix, scope, instanceName, key);
		}
		MessageDigest digest = sha256();
		update(digest, keyPrefix);
		update(digest, scope);
		update(digest, instanceName);
		update(digest, namespace);
		update(digest, key);
		return hex(digest.digest());
	}

	private static void update(MessageDigest digest, String part) {
		if (part == null) {
			// -1 cannot be the length of any string, so the global scope never equals a
			// named one
			digest.update(new byte[] { (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff });
			return;
		}
		byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
		int length = bytes.length;
		digest.update(
				new byte[] { (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length });
		digest.update(bytes);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			// every Java platform is required to provide SHA-256
			throw new IllegalStateException(ex);
		}
	}

	private static String hex(byte[] bytes) {
		char[] chars = new char[bytes.length * 2];
		for (int i = 0; i < bytes.length; i++) {
			chars[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
			chars[2 * i + 1] = HEX[bytes[i] & 0xf];
		}
		return new String(chars);
	}

}
