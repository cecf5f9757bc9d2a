package dev.resilience.spring.idempotency;

import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JacksonResultCodecTests {

	private final ObjectMapper mapper = new ObjectMapper();

	@Test
	void genericReturnTypeIsReplayedAsItsElementType() throws Exception {
		JacksonResultCodec codec = JacksonResultCodec.forMethod(this.mapper, Methods.class.getMethod("receipts"));
		List<Receipt> receipts = List.of(new Receipt("r-1", new BigDecimal("12.50")),
				new Receipt("r-2", BigDecimal.ONE));
		Object replayed = codec.decode(codec.encode(receipts));
		assertThat(replayed).isEqualTo(receipts);
		assertThat((List<?>) replayed).first().isInstanceOf(Receipt.class);
	}

	@Test
	void completionStageIsStoredAsItsValueType() throws Exception {
		JacksonResultCodec codec = JacksonResultCodec.forMethod(this.mapper, Methods.class.getMethod("async"));
		Receipt receipt = new Receipt("r-1", BigDecimal.TEN);
		assertThat(new String(codec.encode(receipt), StandardCharsets.UTF_8))
			.isEqualTo("{\"id\":\"r-1\",\"amount\":10}");
		assertThat(codec.decode(codec.encode(receipt))).isEqualTo(receipt);
	}

	@Test
	void nullIsStoredAndReplayedAsNull() throws Exception {
		JacksonResultCodec codec = JacksonResultCodec.forMethod(this.mapper, Methods.class.getMethod("single"));
		byte[] stored = codec.encode(null);
		assertThat(new String(stored, StandardCharsets.UTF_8)).isEqualTo("null");
		assertThat(codec.decode(stored)).isNull();
	}

	@Test
	void voidAndVoidObjectAreStoredAsNull() throws Exception {
		for (String name : new String[] { "nothing", "nothingAsync" }) {
			JacksonResultCodec codec = JacksonResultCodec.forMethod(this.mapper, Methods.class.getMethod(name));
			assertThat(new String(codec.encode(null), StandardCharsets.UTF_8)).isEqualTo("null");
			assertThat(codec.decode(codec.encode(null))).isNull();
		}
	}

	@Test
	void defaultTypingOfTheApplicationsMapperIsNotUsed() throws Exception {
		ObjectMapper typing = new ObjectMapper();
		typing.activateDefaultTyping(LaissezFaireSubTypeValidator.instance, ObjectMapper.DefaultTyping.EVERYTHING);
		JacksonResultCodec codec = JacksonResultCodec.forMethod(typing, Methods.class.getMethod("single"));
		String json = new String(codec.encode(new Receipt("r", BigDecimal.ONE)), StandardCharsets.UTF_8);
		assertThat(json).doesNotContain("@class").doesNotContain(Receipt.class.getName());
		assertThat(typing.writeValueAsString(new Receipt("r", BigDecimal.ONE))).contains(Receipt.class.getName());
	}

	@Test
	void returnTypesThatCannotBeReplayedAreRefused() {
		for (String name : new String[] { "stream", "input", "iterator" }) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> JacksonResultCodec.forMethod(this.mapper, Methods.class.getMethod(name)))
				.withMessageContaining("Methods." + name)
				.withMessageContaining("cannot be stored and replayed");
		}
	}

	@Test
	void unserializableResultFailsToEncode() throws Exception {
		JacksonResultCodec codec = JacksonResultCodec.forMethod(this.mapper, Methods.class.getMethod("anything"));
		assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> codec.encode(new Object())))
			.isInstanceOf(com.fasterxml.jackson.databind.exc.InvalidDefinitionException.class);
	}

	@Test
	void javaTimeWithoutItsModuleIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JacksonResultCodec.forMethod(this.mapper, Methods.class.getMethod("instant")))
			.withMessageContaining("Methods.instant")
			.withMessageContaining("cannot be read back")
			.withMessageContaining("needs a Jackson module");
	}

	record Receipt(String id, BigDecimal amount) {
	}

	interface Methods {

		List<Receipt> receipts();

		CompletableFuture<Receipt> async();

		Receipt single();

		void nothing();

		CompletableFuture<Void> nothingAsync();

		Stream<Receipt> stream();

		InputStream input();

		Iterator<Receipt> iterator();

		Object anything();

		Instant instant();

	}

}
