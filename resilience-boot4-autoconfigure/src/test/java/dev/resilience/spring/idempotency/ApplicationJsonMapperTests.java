package dev.resilience.spring.idempotency;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;

import dev.resilience.annotation.Idempotent;
import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyRecord;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;
import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the Boot 4 line idempotency writes results and fingerprints with the application's
 * Jackson 3 {@link JsonMapper}: its modules and naming strategy, whether the application
 * declares the mapper itself or lets Boot configure it.
 */
class ApplicationJsonMapperTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ResilienceAutoConfiguration.class, ResilienceIdempotencyAutoConfiguration.class));

	@Test
	void resultsAndFingerprintsAreWrittenWithTheApplicationsOwnJsonMapper() {
		JsonMapper applications = JsonMapper.builder()
			.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
			.addModule(moneyAsText())
			.build();
		RecordingStore store = new RecordingStore();
		AtomicInteger runs = new AtomicInteger();
		this.runner.withBean(JsonMapper.class, () -> applications)
			.withBean(IdempotencyStore.class, () -> store)
			.withBean(Billing.class, () -> new Billing(runs))
			.run((context) -> {
				Billing billing = context.getBean(Billing.class);

				Invoice first = billing.invoice("k-1");
				Invoice replay = billing.invoice("k-1");

				assertThat(store.results).containsExactly("{\"invoice_id\":\"k-1\",\"total\":\"12.50 EUR\"}");
				assertThat(replay).isEqualTo(first).isNotSameAs(first);
				assertThat(runs).hasValue(1);
				assertThat(context.getBean(IdempotencyJson.class).fingerprint(first)).isEqualTo(Sha256
					.hex("{\"invoice_id\":\"k-1\",\"total\":\"12.50 EUR\"}".getBytes(StandardCharsets.UTF_8)));
			});
	}

	@Test
	void theJsonMapperBootConfiguresIsUsed() {
		RecordingStore store = new RecordingStore();
		this.runner.withConfiguration(AutoConfigurations.of(BootLine.type(BootLine.JACKSON)))
			.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE")
			.withBean(IdempotencyStore.class, () -> store)
			.withBean(Labels.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(JsonMapper.class);
				context.getBean(Labels.class).label("k-1");

				assertThat(store.results).containsExactly("{\"label_text\":\"k-1\"}");
			});
	}

	@Test
	void withoutAJsonMapperADefaultOneIsUsed() {
		RecordingStore store = new RecordingStore();
		this.runner.withBean(IdempotencyStore.class, () -> store).withBean(Labels.class).run((context) -> {
			assertThat(context).doesNotHaveBean(JsonMapper.class).hasSingleBean(IdempotencyJson.class);
			context.getBean(Labels.class).label("k-1");

			assertThat(store.results).containsExactly("{\"labelText\":\"k-1\"}");
		});
	}

	@Test
	void anIdempotencyJsonOfTheApplicationReplacesOurs() {
		IdempotencyJson own = BootLine.idempotencyJson();
		this.runner.withBean(IdempotencyJson.class, () -> own)
			.run((context) -> assertThat(context.getBean(IdempotencyJson.class)).isSameAs(own));
	}

	/** Money as {@code "12.50 EUR"}: a default mapper has no way to write or read it. */
	private static SimpleModule moneyAsText() {
		SimpleModule module = new SimpleModule("money-as-text");
		module.addSerializer(Money.class, new StdSerializer<>(Money.class) {

			@Override
			public void serialize(Money value, JsonGenerator generator, SerializationContext context) {
				generator.writeString(value.amount.toPlainString() + " " + value.currency);
			}

		});
		module.addDeserializer(Money.class, new StdDeserializer<>(Money.class) {

			@Override
			public Money deserialize(JsonParser parser, DeserializationContext context) {
				String[] parts = parser.getString().split(" ");
				return new Money(new BigDecimal(parts[0]), parts[1]);
			}

		});
		return module;
	}

	/** No getters, no creator Jackson would pick: only the module knows it. */
	public static final class Money {

		private final BigDecimal amount;

		private final String currency;

		Money(BigDecimal amount, String currency) {
			this.amount = amount;
			this.currency = currency;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Money money && money.amount.equals(this.amount)
					&& money.currency.equals(this.currency);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.amount, this.currency);
		}

	}

	public record Invoice(String invoiceId, Money total) {
	}

	public record Label(String labelText) {
	}

	public static class Billing {

		private final AtomicInteger runs;

		public Billing(AtomicInteger runs) {
			this.runs = runs;
		}

		@Idempotent(key = "#p0")
		public Invoice invoice(String key) {
			this.runs.incrementAndGet();
			return new Invoice(key, new Money(new BigDecimal("12.50"), "EUR"));
		}

	}

	public static class Labels {

		@Idempotent(key = "#p0")
		public Label label(String key) {
			return new Label(key);
		}

	}

	/** A memory store that keeps, as text, every result completed into it. */
	static final class RecordingStore implements IdempotencyStore {

		private final IdempotencyStore delegate = new MemoryIdempotencyStore();

		final List<String> results = new CopyOnWriteArrayList<>();

		@Override
		public ClaimResult claim(String recordId, String fingerprint, Duration leaseTimeout) {
			return this.delegate.claim(recordId, fingerprint, leaseTimeout);
		}

		@Override
		public boolean complete(String recordId, String leaseToken, byte[] result, Duration ttl) {
			this.results.add(new String(result, StandardCharsets.UTF_8));
			return this.delegate.complete(recordId, leaseToken, result, ttl);
		}

		@Override
		public boolean renew(String recordId, String leaseToken, Duration leaseTimeout) {
			return this.delegate.renew(recordId, leaseToken, leaseTimeout);
		}

		@Override
		public boolean release(String recordId, String leaseToken) {
			return this.delegate.release(recordId, leaseToken);
		}

		@Override
		public Optional<IdempotencyRecord> find(String recordId) {
			return this.delegate.find(recordId);
		}

	}

}
