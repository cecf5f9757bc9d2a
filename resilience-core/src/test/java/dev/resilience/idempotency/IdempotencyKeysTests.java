package dev.resilience.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdempotencyKeysTests {

	@Test
	void recordIdIsSha256OfLengthPrefixedParts() throws Exception {
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		for (String part : new String[] { "p", "alice", "payments", "k-1" }) {
			byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
			digest.update(new byte[] { 0, 0, 0, (byte) bytes.length });
			digest.update(bytes);
		}
		String expected = HexFormat.of().formatHex(digest.digest());
		assertThat(IdempotencyKeys.recordId("p", "alice", "payments", "k-1")).isEqualTo(expected);
	}

	@Test
	void recordIdIsLowercaseHexOf64Characters() {
		assertThat(IdempotencyKeys.recordId("resilience:idem", null, "payments", "key")).matches("[0-9a-f]{64}");
	}

	@Test
	void recordIdDependsOnEveryPart() {
		String base = IdempotencyKeys.recordId("p", "alice", "payments", "k");
		assertThat(IdempotencyKeys.recordId("q", "alice", "payments", "k")).isNotEqualTo(base);
		assertThat(IdempotencyKeys.recordId("p", "bob", "payments", "k")).isNotEqualTo(base);
		assertThat(IdempotencyKeys.recordId("p", "alice", "refunds", "k")).isNotEqualTo(base);
		assertThat(IdempotencyKeys.recordId("p", "alice", "payments", "j")).isNotEqualTo(base);
		assertThat(IdempotencyKeys.recordId("p", "alice", "payments", "k")).isEqualTo(base);
	}

	@Test
	void partsCannotBleedIntoEachOther() {
		assertThat(IdempotencyKeys.recordId("a:b", null, "c", "d"))
			.isNotEqualTo(IdempotencyKeys.recordId("a", null, "b:c", "d"));
		assertThat(IdempotencyKeys.recordId("p", null, "ab", "c"))
			.isNotEqualTo(IdempotencyKeys.recordId("p", null, "a", "bc"));
	}

	@Test
	void globalScopeDiffersFromEveryNamedScope() {
		String global = IdempotencyKeys.recordId("p", null, "payments", "k");
		assertThat(IdempotencyKeys.recordId("p", "", "payments", "k")).isNotEqualTo(global);
		assertThat(IdempotencyKeys.recordId("p", "null", "payments", "k")).isNotEqualTo(global);
	}

	@Test
	void validationAcceptsVisibleAsciiUpToTheLimit() {
		assertThatNoException().isThrownBy(() -> IdempotencyKeys.validate("payments", "a".repeat(255), 255));
		assertThatNoException().isThrownBy(() -> IdempotencyKeys.validate("payments", "!~", 255));
	}

	@Test
	void validationNamesTheRuleAndTheInstanceButNotTheKey() {
		assertThatThrownBy(() -> IdempotencyKeys.validate("payments", "secret\u0007", 255))
			.isInstanceOfSatisfying(InvalidIdempotencyKeyException.class, (ex) -> {
				assertThat(ex.getInstanceName()).isEqualTo("payments");
				assertThat(ex.getReason()).isEqualTo("has a character outside visible ASCII at index 6");
				assertThat(ex.getMessage()).startsWith("Idempotency 'payments': invalid idempotency key: ")
					.doesNotContain("secret");
			});
		assertThatThrownBy(() -> IdempotencyKeys.validate("payments", "s".repeat(256), 255))
			.hasMessageContaining("is too long (256 > 255 characters)");
		assertThatThrownBy(() -> IdempotencyKeys.validate("payments", "\u007f", 255))
			.hasMessageContaining("at index 0");
	}

}
