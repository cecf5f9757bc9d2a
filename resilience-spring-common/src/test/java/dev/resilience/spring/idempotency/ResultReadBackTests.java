package dev.resilience.spring.idempotency;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonValue;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;

import dev.resilience.annotation.Idempotent;
import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyRecord;
import dev.resilience.idempotency.IdempotencyResultException;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.MemoryIdempotencyStore;
import dev.resilience.idempotency.ResultCodec;
import dev.resilience.spring.aop.ResilienceAnnotationException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;
import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An idempotent result is stored only in a form that reads back into the method's return
 * type: a {@code ResponseEntity} keeps its status, headers and body; a return type
 * Jackson cannot read back fails startup; a result whose JSON turns out unreadable fails
 * its call and leaves no claim.
 */
class ResultReadBackTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class,
				ResilienceIdempotencyAutoConfiguration.class, BootLine.type(BootLine.JACKSON)));

	@Test
	void responseEntityIsReplayedWithItsStatusHeadersAndBody() throws Exception {
		ResultCodec codec = codec("created");
		ResponseEntity<Receipt> created = ResponseEntity.status(HttpStatus.CREATED)
			.header("Location", "/receipts/r-1")
			.header("X-Trace", "a", "b")
			.body(new Receipt("r-1", new BigDecimal("12.50")));

		Object replayed = codec.decode(codec.encode(created));

		assertThat(replayed).isInstanceOfSatisfying(ResponseEntity.class, (entity) -> {
			assertThat(entity.getStatusCode().value()).isEqualTo(201);
			assertThat(entity.getHeaders().get("Location")).containsExactly("/receipts/r-1");
			assertThat(entity.getHeaders().get("X-Trace")).containsExactly("a", "b");
			assertThat(entity.getBody()).isEqualTo(new Receipt("r-1", new BigDecimal("12.50")));
		});
	}

	@Test
	void responseEntityInACompletionStageIsReplayedWithAGenericBody() throws Exception {
		ResultCodec codec = codec("createdAsync");
		ResponseEntity<List<Receipt>> accepted = ResponseEntity.accepted()
			.body(List.of(new Receipt("r-2", BigDecimal.ONE)));

		Object replayed = codec.decode(codec.encode(accepted));

		assertThat(replayed).isInstanceOfSatisfying(ResponseEntity.class, (entity) -> {
			assertThat(entity.getStatusCode().value()).isEqualTo(202);
			assertThat((List<?>) entity.getBody()).singleElement().isEqualTo(new Receipt("r-2", BigDecimal.ONE));
		});
	}

	@Test
	void responseEntityWithoutABodyIsReplayedWithItsStatus() throws Exception {
		ResultCodec codec = codec("deleted");

		Object replayed = codec.decode(codec.encode(ResponseEntity.noContent().header("X-Deleted", "1").build()));

		assertThat(replayed).isInstanceOfSatisfying(ResponseEntity.class, (entity) -> {
			assertThat(entity.getStatusCode().value()).isEqualTo(204);
			assertThat(entity.getHeaders().getFirst("X-Deleted")).isEqualTo("1");
			assertThat(entity.hasBody()).isFalse();
		});
	}

	@Test
	void responseEntityRoundTripsForManyStatusesHeadersAndBodies() throws Exception {
		ResultCodec codec = codec("created");
		Random random = new Random(20261202);
		for (int i = 0; i < 500; i++) {
			HttpHeaders headers = new HttpHeaders();
			int headerCount = random.nextInt(4);
			for (int h = 0; h < headerCount; h++) {
				List<String> values = new ArrayList<>();
				int valueCount = random.nextInt(3);
				for (int v = 0; v < valueCount; v++) {
					values.add(visibleAscii(random, random.nextInt(12)));
				}
				headers.put(
						"x-h" + h + "-" + visibleAscii(random, 3).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "z"),
						values);
			}
			Receipt body = random.nextBoolean() ? null
					: new Receipt(visibleAscii(random, random.nextInt(20)), BigDecimal.valueOf(random.nextLong(), 2));
			HttpStatusCode status = HttpStatusCode.valueOf(100 + random.nextInt(500));
			ResponseEntity<Receipt> entity = new ResponseEntity<>(body, headers, status);

			Object replayed = codec.decode(codec.encode(entity));

			assertThat(replayed).as("case %d: %s", i, entity).isInstanceOfSatisfying(ResponseEntity.class, (back) -> {
				assertThat(back.getStatusCode().value()).isEqualTo(entity.getStatusCode().value());
				assertThat(back.getHeaders()).isEqualTo(entity.getHeaders());
				assertThat(back.getBody()).isEqualTo(entity.getBody());
			});
		}
	}

	private static String visibleAscii(Random random, int length) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			text.append((char) ('!' + random.nextInt('~' - '!' + 1)));
		}
		return text.toString();
	}

	// java.time is line-specific (Jackson 2 needs a module for it, Jackson 3 has it built
	// in): each line's JacksonResultCodecTests covers it.
	@Test
	void returnTypesJacksonCannotReadBackAreRefusedNamingMethodAndType() {
		for (String name : new String[] { "shape", "shapes", "holder", "shapeEntity", "noCreator" }) {
			assertThatIllegalArgumentException().as(name)
				.isThrownBy(() -> codec(name))
				.withMessageContaining("Methods." + name)
				.withMessageContaining("cannot be read back");
		}
	}

	@Test
	void readableReturnTypesAreAccepted() {
		for (String name : new String[] { "created", "createdAsync", "deleted", "typedShape", "tree", "anything",
				"map" }) {
			assertThatNoException().as(name).isThrownBy(() -> codec(name));
		}
	}

	@Test
	void resultWhoseJsonCannotBeReadBackFailsToEncode() throws Exception {
		ResultCodec codec = codec("label");

		Throwable failure = catchThrowable(() -> codec.encode(Label.of("gold")));

		assertThat(failure).as("encoding a Label, whose JSON is a string no creator reads").isNotNull();
		assertThat(failure).hasMessageContaining("cannot be read back");
	}

	@Test
	void responseEntityResultIsReplayedThroughTheBean() {
		AtomicInteger runs = new AtomicInteger();
		this.runner.withBean(OrderController.class, () -> new OrderController(runs)).run((context) -> {
			OrderController controller = context.getBean(OrderController.class);

			ResponseEntity<Receipt> first = controller.place("k-1");
			ResponseEntity<Receipt> replay = controller.place("k-1");

			assertThat(runs).hasValue(1);
			assertThat(replay.getStatusCode()).isEqualTo(HttpStatus.CREATED);
			assertThat(replay.getHeaders().getLocation()).hasToString("/orders/k-1");
			assertThat(replay.getBody()).isEqualTo(first.getBody());
		});
	}

	@Test
	void unreadableReturnTypeFailsStartupNamingTheMethodAndTheType() {
		this.runner.withBean(ShapeService.class).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			while (failure != null && !(failure instanceof ResilienceAnnotationException)) {
				failure = failure.getCause();
			}
			assertThat(failure).as("a ResilienceAnnotationException among the causes")
				.isNotNull()
				.hasMessageContaining("ShapeService.draw")
				.hasMessageContaining("Shape")
				.hasMessageContaining("cannot be read back");
		});
	}

	@Test
	void resultThatCannotBeReadBackFailsTheCallAndLeavesNoClaim() {
		RecordingStore store = new RecordingStore();
		AtomicInteger runs = new AtomicInteger();
		this.runner.withBean(IdempotencyStore.class, () -> store)
			.withBean(LabelService.class, () -> new LabelService(runs))
			.run((context) -> {
				LabelService labels = context.getBean(LabelService.class);

				assertThatExceptionOfType(IdempotencyResultException.class).isThrownBy(() -> labels.label("k-1"))
					.withMessageContaining("cannot be read back");
				assertThatExceptionOfType(IdempotencyResultException.class).isThrownBy(() -> labels.label("k-1"));

				assertThat(runs).as("the second call ran: no claim was left behind").hasValue(2);
				assertThat(store.operations).doesNotContain("complete")
					.containsExactly("claim", "release", "claim", "release");
			});
	}

	@Test
	void asyncResultThatCannotBeReadBackFailsItsStageAndLeavesNoClaim() {
		RecordingStore store = new RecordingStore();
		AtomicInteger runs = new AtomicInteger();
		this.runner.withBean(IdempotencyStore.class, () -> store)
			.withBean(LabelService.class, () -> new LabelService(runs))
			.run((context) -> {
				LabelService labels = context.getBean(LabelService.class);

				assertThat(labels.labelAsync("k-2")).failsWithin(Duration.ofSeconds(10))
					.withThrowableThat()
					.havingCause()
					.isInstanceOf(IdempotencyResultException.class)
					.withMessageContaining("cannot be read back");
				assertThat(labels.labelAsync("k-2")).failsWithin(Duration.ofSeconds(10));

				assertThat(runs).as("the second call ran: no claim was left behind").hasValue(2);
				assertThat(store.operations).containsExactly("claim", "release", "claim", "release");
			});
	}

	private static ResultCodec codec(String method) throws NoSuchMethodException {
		return BootLine.idempotencyJson().codecFor(findMethod(method), Methods.class);
	}

	private static java.lang.reflect.Method findMethod(String name) throws NoSuchMethodException {
		for (java.lang.reflect.Method method : Methods.class.getMethods()) {
			if (method.getName().equals(name)) {
				return method;
			}
		}
		throw new NoSuchMethodException(name);
	}

	public record Receipt(String id, BigDecimal amount) {
	}

	/**
	 * An abstract type without type information: its JSON does not say which class to
	 * build.
	 */
	public interface Shape {

		double area();

	}

	public record Square(double side) implements Shape {

		@Override
		public double area() {
			return this.side * this.side;
		}

	}

	@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
	@JsonSubTypes(@JsonSubTypes.Type(value = TypedSquare.class, name = "square"))
	public interface TypedShape {

	}

	public record TypedSquare(double side) implements TypedShape {
	}

	public static class Holder {

		public Shape shape;

	}

	/**
	 * No default constructor, no {@code @JsonCreator}, parameter names unknown to a plain
	 * mapper.
	 */
	public static final class NoCreator {

		private final String id;

		public NoCreator(String id, int version) {
			this.id = id + version;
		}

		public String getId() {
			return this.id;
		}

	}

	public static class Tree {

		public String name;

		public List<Tree> children;

	}

	/** Written as a bare string, and no creator reads one back. */
	public static final class Label {

		private String text = "";

		public static Label of(String text) {
			Label label = new Label();
			label.text = text;
			return label;
		}

		@JsonValue
		public String text() {
			return this.text;
		}

	}

	interface Methods {

		ResponseEntity<Receipt> created();

		CompletableFuture<ResponseEntity<List<Receipt>>> createdAsync();

		ResponseEntity<Void> deleted();

		Shape shape();

		List<Shape> shapes();

		Holder holder();

		ResponseEntity<Shape> shapeEntity();

		NoCreator noCreator();

		TypedShape typedShape();

		Tree tree();

		Object anything();

		Map<String, List<Receipt>> map();

		Label label();

	}

	public static class OrderController {

		private final AtomicInteger runs;

		public OrderController(AtomicInteger runs) {
			this.runs = runs;
		}

		@Idempotent(key = "#p0")
		public ResponseEntity<Receipt> place(String key) {
			this.runs.incrementAndGet();
			return ResponseEntity.created(java.net.URI.create("/orders/" + key)).body(new Receipt(key, BigDecimal.TEN));
		}

	}

	public static class ShapeService {

		@Idempotent(key = "#p0")
		public Shape draw(String key) {
			return new Square(2);
		}

	}

	public static class LabelService {

		private final AtomicInteger runs;

		public LabelService(AtomicInteger runs) {
			this.runs = runs;
		}

		@Idempotent(key = "#p0")
		public Label label(String key) {
			this.runs.incrementAndGet();
			return Label.of("gold");
		}

		@Idempotent(key = "#p0")
		public CompletableFuture<Label> labelAsync(String key) {
			this.runs.incrementAndGet();
			return CompletableFuture.completedFuture(Label.of("gold"));
		}

	}

	/**
	 * A memory store that records the claims, completions and releases that reached it.
	 */
	static final class RecordingStore implements IdempotencyStore {

		private final IdempotencyStore delegate = new MemoryIdempotencyStore();

		final List<String> operations = new CopyOnWriteArrayList<>();

		@Override
		public ClaimResult claim(String recordId, String fingerprint, Duration leaseTimeout) {
			this.operations.add("claim");
			return this.delegate.claim(recordId, fingerprint, leaseTimeout);
		}

		@Override
		public boolean complete(String recordId, String leaseToken, byte[] result, Duration ttl) {
			this.operations.add("complete");
			return this.delegate.complete(recordId, leaseToken, result, ttl);
		}

		@Override
		public boolean renew(String recordId, String leaseToken, Duration leaseTimeout) {
			return this.delegate.renew(recordId, leaseToken, leaseTimeout);
		}

		@Override
		public boolean release(String recordId, String leaseToken) {
			this.operations.add("release");
			return this.delegate.release(recordId, leaseToken);
		}

		@Override
		public Optional<IdempotencyRecord> find(String recordId) {
			return this.delegate.find(recordId);
		}

	}

}
