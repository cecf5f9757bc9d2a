package dev.resilience.spring.idempotency;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fingerprints already stored must keep matching: the hash is pinned to published SHA-256
 * test vectors (FIPS 180-2), not to another implementation in this repository.
 */
class Sha256Tests {

	@Test
	void abcHashesToThePublishedVectorInLowercaseHex() {
		assertThat(Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)))
			.isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	}

	@Test
	void emptyInputHashesToThePublishedVector() {
		assertThat(Sha256.hex(new byte[0]))
			.isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	}

	@Test
	void twoBlockMessageHashesToThePublishedVector() {
		byte[] message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes(StandardCharsets.US_ASCII);
		assertThat(Sha256.hex(message)).isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	}

}
