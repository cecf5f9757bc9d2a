package dev.resilience.spring.idempotency;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FingerprintsTests {

	private final Fingerprints fingerprints = new Fingerprints(
			new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT));

	@Test
	void fingerprintIsSha256OfCanonicalJson() throws Exception {
		Charge charge = new Charge("sku-1", 3, new BigDecimal("9.99"));
		String json = "{\"amount\":9.99,\"quantity\":3,\"sku\":\"sku-1\"}";
		assertThat(this.fingerprints.canonicalJson(charge)).isEqualTo(json);
		String expected = HexFormat.of()
			.formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
		assertThat(this.fingerprints.of(charge)).isEqualTo(expected);
	}

	@Test
	void mapEntryOrderDoesNotMatter() {
		Map<String, Object> first = new LinkedHashMap<>();
		first.put("b", 1);
		first.put("a", Map.of("y", 2, "x", 3));
		Map<String, Object> second = new LinkedHashMap<>();
		second.put("a", new HashMap<>(Map.of("x", 3, "y", 2)));
		second.put("b", 1);
		assertThat(this.fingerprints.of(first)).isEqualTo(this.fingerprints.of(second));
	}

	@Test
	void jsonObjectFieldOrderDoesNotMatter() {
		ObjectMapper mapper = new ObjectMapper();
		ObjectNode first = mapper.createObjectNode().put("b", 1).put("a", 2);
		ObjectNode second = mapper.createObjectNode().put("a", 2).put("b", 1);
		assertThat(this.fingerprints.of(first)).isEqualTo(this.fingerprints.of(second));
	}

	@Test
	void differentArgumentsGiveDifferentFingerprints() {
		String base = this.fingerprints.of(new Object[] { new Charge("sku-1", 3, BigDecimal.ONE), "eur" });
		assertThat(this.fingerprints.of(new Object[] { new Charge("sku-1", 4, BigDecimal.ONE), "eur" }))
			.isNotEqualTo(base);
		assertThat(this.fingerprints.of(new Object[] { new Charge("sku-1", 3, BigDecimal.ONE), "usd" }))
			.isNotEqualTo(base);
		assertThat(this.fingerprints.of(new Object[] { new Charge("sku-1", 3, BigDecimal.ONE), "eur" }))
			.isEqualTo(base);
	}

	@Test
	void nullAndListsAreFingerprinted() {
		assertThat(this.fingerprints.of(null)).hasSize(64).isNotEqualTo(this.fingerprints.of(List.of()));
	}

	@Test
	void valueThatCannotBeWrittenFailsNamingItsType() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.fingerprints.of(new Object()))
			.withMessageContaining("java.lang.Object cannot be written as JSON");
	}

	@JsonPropertyOrder(alphabetic = false)
	record Charge(String sku, int quantity, BigDecimal amount) {
	}

}
