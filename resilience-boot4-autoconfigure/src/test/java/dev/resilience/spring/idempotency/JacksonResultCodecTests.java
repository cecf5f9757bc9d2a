package dev.resilience.spring.idempotency;

import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.deser.impl.UnsupportedTypeDeserializer;
import tools.jackson.databind.exc.InvalidDefinitionException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.TypeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The Boot 4 line's result codec, on Jackson 3: the same behaviour as the Boot 3.5
 * line's, plus what Jackson 3 does differently (creators found by parameter names, beans
 * without properties written as {@code {}}, java.time built in).
 */
class JacksonResultCodecTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

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
		// Jackson 3 has no DefaultTyping.EVERYTHING; NON_FINAL_AND_RECORDS reaches the
		// final record
		JsonMapper typing = JsonMapper.builder()
			.activateDefaultTyping(BasicPolymorphicTypeValidator.builder().allowIfSubType(Object.class).build(),
					DefaultTyping.NON_FINAL_AND_RECORDS, JsonTypeInfo.As.PROPERTY)
			.build();
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
		assertThat(catchThrowable(() -> codec.encode(new Object()))).isInstanceOf(InvalidDefinitionException.class);
	}

	@Test
	void beanWithoutPropertiesFailsToEncodeThoughTheApplicationsMapperWritesIt() throws Exception {
		JacksonResultCodec codec = JacksonResultCodec.forMethod(this.mapper, Methods.class.getMethod("anything"));
		assertThat(this.mapper.writeValueAsString(new Opaque())).as("Jackson 3's default").isEqualTo("{}");
		assertThat(catchThrowable(() -> codec.encode(new Opaque()))).isInstanceOf(InvalidDefinitionException.class);
	}

	@Test
	void creatorNeedingAPropertyItsJsonNeverContainsIsRefusedNamingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JacksonResultCodec.forMethod(this.mapper, Methods.class.getMethod("versioned")))
			.withMessageContaining("Methods.versioned")
			.withMessageContaining("cannot be read back")
			.withMessageContaining("Versioned")
			.withMessageContaining("version (int)");
	}

	@Test
	void classWithoutACreatorIsRefusedWhenTheMapperDoesNotDetectParameterNames() {
		JsonMapper withoutNames = JsonMapper.builder().disable(MapperFeature.DETECT_PARAMETER_NAMES).build();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JacksonResultCodec.forMethod(withoutNames, Methods.class.getMethod("versioned")))
			.withMessageContaining("Methods.versioned")
			.withMessageContaining("cannot be read back")
			.withMessageContaining("Versioned has no creator Jackson can use");
	}

	@Test
	void typeThatNeedsAMissingModuleIsRefused() {
		// How Jackson 3 marks a type it knows needs a module (Joda time); Jackson 3 reads
		// java.time itself.
		@SuppressWarnings({ "rawtypes", "unchecked" })
		SimpleModule unsupported = new SimpleModule("unsupported").addDeserializer((Class) Legacy.class,
				new UnsupportedTypeDeserializer(TypeFactory.createDefaultInstance().constructType(Legacy.class),
						"Legacy needs the legacy module"));
		JsonMapper mapper = JsonMapper.builder().addModule(unsupported).build();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JacksonResultCodec.forMethod(mapper, Methods.class.getMethod("legacies")))
			.withMessageContaining("Methods.legacies")
			.withMessageContaining("cannot be read back")
			.withMessageContaining("Legacy in List<Legacy> needs a Jackson module");
	}

	@Test
	void creatorFoundByParameterNamesThatReadsWhatIsWrittenIsAccepted() throws Exception {
		JacksonResultCodec codec = JacksonResultCodec.forMethod(this.mapper, Methods.class.getMethod("written"));
		Object replayed = codec.decode(codec.encode(new Written("a-", 3)));
		assertThat(replayed).isInstanceOfSatisfying(Written.class, (written) -> {
			assertThat(written.getId()).isEqualTo("a-");
			assertThat(written.getVersion()).isEqualTo(3);
		});
	}

	@Test
	void creatorNeedingAnUnwrittenObjectPropertyIsAcceptedAsJacksonReadsItAsNull() throws Exception {
		JacksonResultCodec codec = JacksonResultCodec.forMethod(this.mapper, Methods.class.getMethod("tagged"));
		Object replayed = codec.decode(codec.encode(new Tagged("t", "hidden")));
		assertThat(replayed).isInstanceOfSatisfying(Tagged.class,
				(tagged) -> assertThat(tagged.getTag()).isEqualTo("t"));
	}

	@Test
	void javaTimeIsReadBackWithoutAModule() throws Exception {
		JacksonResultCodec codec = JacksonResultCodec.forMethod(this.mapper, Methods.class.getMethod("instant"));
		Instant now = Instant.parse("2026-12-02T03:30:00Z");
		assertThat(codec.decode(codec.encode(now))).isEqualTo(now);
	}

	record Receipt(String id, BigDecimal amount) {
	}

	/** No property to write. */
	public static class Opaque {

	}

	/**
	 * Jackson 3 finds this constructor by its parameter names, but {@code version} is
	 * never written.
	 */
	public static final class Versioned {

		private final String id;

		public Versioned(String id, int version) {
			this.id = id + version;
		}

		public String getId() {
			return this.id;
		}

	}

	public static class Legacy {

		public String value;

	}

	/** Found by its parameter names too, and both are written. */
	public static final class Written {

		private final String id;

		private final int version;

		public Written(String id, int version) {
			this.id = id;
			this.version = version;
		}

		public String getId() {
			return this.id;
		}

		public int getVersion() {
			return this.version;
		}

	}

	/**
	 * {@code note} is read but never written: it replays as {@code null}, which Jackson
	 * allows.
	 */
	public static final class Tagged {

		private final String tag;

		public Tagged(String tag, String note) {
			this.tag = tag;
		}

		public String getTag() {
			return this.tag;
		}

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

		Versioned versioned();

		Written written();

		Tagged tagged();

		Instant instant();

		List<Legacy> legacies();

	}

}
