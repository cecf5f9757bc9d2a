package dev.resilience.spring.idempotency;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that moves from one Boot line to the other (Jackson 2 to Jackson 3) with
 * records still in a shared store must compute the same fingerprints for the same
 * arguments, or every replay of an older key would be refused as a reused key. This test
 * runs on both lines against the same hand-written canonical JSON, hashed here, not by
 * the code under test.
 */
class FingerprintsAcrossLinesTests {

	private final IdempotencyJson json = BootLine.idempotencyJson();

	@Test
	void recordWithAnEnumWhoseToStringIsOverriddenANestedMapAndADecimal() throws Exception {
		Map<String, Object> options = new LinkedHashMap<>();
		options.put("wrap", true);
		options.put("gift", "no");
		Order order = new Order("SKU-1", 3, new BigDecimal("9.99"), Delivery.EXPRESS, options, List.of("a", "b"));

		assertThat(this.json.fingerprint(order))
			.isEqualTo(sha256("{\"delivery\":\"EXPRESS\",\"options\":{\"gift\":\"no\",\"wrap\":true},\"price\":9.99,"
					+ "\"quantity\":3,\"sku\":\"SKU-1\",\"tags\":[\"a\",\"b\"]}"));
	}

	@Test
	void allArgumentsAndNull() throws Exception {
		assertThat(this.json.fingerprint(new Object[] { "k-1", 7, null, Delivery.STANDARD }))
			.isEqualTo(sha256("[\"k-1\",7,null,\"STANDARD\"]"));
		assertThat(this.json.fingerprint(null)).isEqualTo(sha256("null"));
	}

	private static String sha256(String canonicalJson) throws Exception {
		return HexFormat.of()
			.formatHex(MessageDigest.getInstance("SHA-256").digest(canonicalJson.getBytes(StandardCharsets.UTF_8)));
	}

	enum Delivery {

		STANDARD, EXPRESS;

		@Override
		public String toString() {
			return name().toLowerCase();
		}

	}

	public record Order(String sku, int quantity, BigDecimal price, Delivery delivery, Map<String, Object> options,
			List<String> tags) {
	}

}
