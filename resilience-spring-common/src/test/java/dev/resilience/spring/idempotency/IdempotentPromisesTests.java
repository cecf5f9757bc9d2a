package dev.resilience.spring.idempotency;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;

import dev.resilience.Invocation;
import dev.resilience.ResilienceRegistry;
import dev.resilience.Stage;
import dev.resilience.annotation.Idempotent;
import dev.resilience.idempotency.IdempotencyFingerprintException;
import dev.resilience.idempotency.IdempotencyInProgressException;
import dev.resilience.idempotency.IdempotencyListener;
import dev.resilience.idempotency.IdempotencyScope;
import dev.resilience.idempotency.InvalidIdempotencyKeyException;
import dev.resilience.spring.aop.ResilienceAnnotationException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceConfigurations;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;
import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Promises of the {@code @Idempotent} stage a hostile review broke: expressions checked
 * at startup, the key validated before any fingerprint work, clear refusals that echo no
 * SpEL internals, records namespaced per method and class, degraded answers, and where
 * asynchronous store work runs.
 */
class IdempotentPromisesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class,
				ResilienceIdempotencyAutoConfiguration.class, BootLine.type(BootLine.JACKSON)));

	// ---- expressions checked at startup
	// -----------------------------------------------------

	@Test
	void keyNamingNoParameterFailsStartupNamingMethodExpressionVariableAndParameters() {
		this.runner.withBean(MisspelledKey.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessageContaining("MisspelledKey.charge(Command)")
				.hasMessageContaining("#comand.id")
				.hasMessageContaining("#comand")
				.hasMessageContaining("command"));
	}

	@Test
	void fingerprintNamingNoParameterFailsStartupToo() {
		this.runner.withBean(MisspelledFingerprint.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessageContaining("fingerprint")
				.hasMessageContaining("#amout")
				.hasMessageContaining("amount"));
	}

	@Test
	void indexReferenceBeyondTheParametersFailsStartup() {
		this.runner.withBean(IndexBeyondParameters.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessageContaining("#p1")
				.hasMessageContaining("1 parameter"));
	}

	@Test
	void indexAndRootReferencesStayValid() {
		this.runner.withBean(IndexReferences.class).run((context) -> {
			assertThat(context).hasNotFailed();
			IndexReferences bean = context.getBean(IndexReferences.class);
			assertThat(bean.byP("k-1", 1)).isEqualTo(bean.byP("k-1", 1));
			assertThat(bean.byA(new Command("k-2", null))).isEqualTo("a:k-2");
		});
	}

	// ---- the key before the fingerprint, clear refusals
	// ---------------------------------------

	@Test
	void invalidKeyIsRefusedBeforeAnyFingerprintWork() {
		this.runner.withBean(CountingFingerprints.class).run((context) -> {
			CountingFingerprints bean = context.getBean(CountingFingerprints.class);
			assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
				.isThrownBy(() -> bean.charge(null, new Watched()));
			assertThat(Watched.SERIALIZED).as("arguments serialized for a fingerprint").hasValue(0);
		});
	}

	@Test
	void keyThatCannotBeComputedIsRefusedWithoutSpelInternals() {
		this.runner.withBean(NestedKey.class).run((context) -> {
			NestedKey bean = context.getBean(NestedKey.class);
			assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
				.isThrownBy(() -> bean.charge(new Order(null)))
				.satisfies((ex) -> assertThat(ex.getReason()).contains("could not be computed")
					.doesNotContain("EL1007E")
					.doesNotContain("null")
					.doesNotContain("Spel")
					.doesNotContain("customer"));
		});
	}

	@Test
	void fingerprintExpressionThatFailsOnTheArgumentsIsAClearRefusal() {
		this.runner.withBean(NestedFingerprint.class).run((context) -> {
			NestedFingerprint bean = context.getBean(NestedFingerprint.class);
			assertThatExceptionOfType(IdempotencyFingerprintException.class)
				.isThrownBy(() -> bean.charge("k-1", new Order(null)))
				.satisfies((ex) -> assertThat(ex.getMessage()).contains("NestedFingerprint.charge")
					.doesNotContain("k-1")
					.doesNotContain("EL1007E"));
			assertThat(bean.runs()).hasValue(0);
		});
	}

	@Test
	void argumentsThatCannotBeWrittenAsJsonAreAClearRefusal() {
		this.runner.withBean(UnwritableArgument.class).run((context) -> {
			UnwritableArgument bean = context.getBean(UnwritableArgument.class);
			assertThatExceptionOfType(IdempotencyFingerprintException.class)
				.isThrownBy(() -> bean.charge("k-1", new Unwritable()))
				.satisfies((ex) -> assertThat(ex.getMessage()).contains("Unwritable").doesNotContain("k-1"));
			assertThat(bean.runs()).hasValue(0);
		});
	}

	// ---- namespaces
	// -------------------------------------------------------------------------

	@Test
	void overloadsWithADefaultNameNeverShareRecords() {
		this.runner.withBean(Overloads.class).run((context) -> {
			Overloads bean = context.getBean(Overloads.class);
			assertThat(bean.charge("k-1")).isEqualTo("one:k-1");
			assertThat(bean.charge("k-1", 5)).isEqualTo("two:k-1:5");
			assertThat(bean.charge("k-1")).isEqualTo("one:k-1");
		});
	}

	@Test
	void sameNamedClassesInDifferentPackagesNeverShareRecordsButShareTheirConfigurationName() {
		List<String> names = new CopyOnWriteArrayList<>();
		this.runner.withBean(Card.Register.class)
			.withBean(Cash.Register.class)
			.withBean(IdempotencyListener.class, () -> (name, outcome) -> names.add(name))
			.run((context) -> {
				assertThat(context.getBean(Card.Register.class).record("k-1")).isEqualTo("card:k-1");
				assertThat(context.getBean(Cash.Register.class).record("k-1")).isEqualTo("cash:k-1");
				assertThat(names).as("the configuration name, a bounded metric tag")
					.containsExactly("Register.record", "Register.record");
			});
	}

	@Test
	void beansInheritingOneAnnotatedMethodNeverShareRecords() throws Throwable {
		ResilienceRegistry registry = ResilienceRegistry.ofDefaults();
		SpelIdempotencyStageFactory factory = new SpelIdempotencyStageFactory(registry, IdempotencyScope.GLOBAL,
				BootLine.idempotencyJson(), new StandardEnvironment());
		Method record = BaseLedger.class.getMethod("record", String.class);
		Idempotent annotation = record.getAnnotation(Idempotent.class);
		Stage card = factory.create(record, Card.Ledger.class, annotation).stage();
		Stage cash = factory.create(record, Cash.Ledger.class, annotation).stage();
		assertThat(card.call(invocation(new Card.Ledger(), "k-1"), Invocation::proceed)).isEqualTo("Card:k-1");
		assertThat(cash.call(invocation(new Cash.Ledger(), "k-1"), Invocation::proceed)).isEqualTo("Cash:k-1");
		assertThat(card.call(invocation(new Card.Ledger(), "k-1"), Invocation::proceed)).isEqualTo("Card:k-1");
		assertThat(registry.findIdempotencies("Ledger.record")).as("one instance per bean class, under one name")
			.hasSize(2);
		registry.close();
	}

	private static Invocation invocation(BaseLedger target, String id) {
		return new Invocation() {

			@Override
			public Object proceed() {
				return target.record(id);
			}

			@Override
			public Object[] getArguments() {
				return new Object[] { id };
			}

			@Override
			public Object getTarget() {
				return target;
			}

		};
	}

	@Test
	void explicitNameStaysTheNamespaceSharedByItsMethods() {
		this.runner.withBean(SharedName.class).run((context) -> {
			SharedName bean = context.getBean(SharedName.class);
			assertThat(bean.first("k-1")).isEqualTo("first:k-1");
			assertThat(bean.second("k-1")).as("one namespace: the stored result").isEqualTo("first:k-1");
		});
	}

	// ---- degraded answers and asynchronous store work
	// -----------------------------------------

	@Test
	void storeFallbackResultsIsAnInstanceKeyDefaultingToFalse() {
		this.runner.withPropertyValues("resilience.idempotency.instances.payments.store-fallback-results=true")
			.run((context) -> {
				ResilienceConfigurations configurations = context.getBean(ResilienceConfigurations.class);
				assertThat(configurations.idempotency("payments").isStoreFallbackResults()).isTrue();
				assertThat(configurations.idempotency("other").isStoreFallbackResults()).isFalse();
			});
	}

	@Test
	void asynchronousResultIsStoredAndHandedBackOnTheIdempotencyExecutorNotOnTheMethodsThread() {
		this.runner.withBean(AsyncPayments.class).run((context) -> {
			AsyncPayments bean = context.getBean(AsyncPayments.class);
			AtomicReference<Thread> completedOn = new AtomicReference<>();
			CompletableFuture<String> result = bean.charge("k-1").thenApply((value) -> {
				completedOn.set(Thread.currentThread());
				return value;
			});
			Thread eventLoop = new Thread(() -> bean.pending().complete("done"), "event-loop");
			eventLoop.start();
			eventLoop.join();
			// bounded only so that a broken promise fails the test instead of hanging the
			// build
			assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(completedOn.get().getName()).startsWith("resilience-idempotency-");
			context.close();
			completedOn.get().join(30_000);
			assertThat(completedOn.get().isAlive()).as("the executor shut down with the context").isFalse();
		});
	}

	@Test
	void methodStartedAfterAnAsynchronousWaitRunsWithTheCallersContext() {
		this.runner.withPropertyValues("resilience.idempotency.defaults.on-in-progress=wait")
			.withBean(WaitingPayments.class)
			.run((context) -> {
				WaitingPayments bean = context.getBean(WaitingPayments.class);
				CompletableFuture<String> first = bean.charge("k-1");
				MDC.put("caller", "bob");
				CompletableFuture<String> second;
				try {
					second = bean.charge("k-1");
				}
				finally {
					MDC.remove("caller");
				}
				IllegalStateException declined = new IllegalStateException("declined");
				bean.first().completeExceptionally(declined);
				// bounded only so that a broken promise fails the test instead of hanging
				// the build
				assertThatThrownBy(() -> first.get(30, TimeUnit.SECONDS)).hasCause(declined);
				assertThat(second.get(30, TimeUnit.SECONDS)).as("run again, after the first released its claim")
					.isEqualTo("caller=bob");
			});
	}

	@Test
	void interruptedWaitReachesTheCallerAsAnInProgressRefusalNotAnUndeclaredCheckedException() {
		this.runner.withPropertyValues("resilience.idempotency.defaults.on-in-progress=wait")
			.withBean(BlockingPayments.class)
			.run((context) -> {
				BlockingPayments bean = context.getBean(BlockingPayments.class);
				Thread owner = new Thread(() -> bean.charge("k-1"), "owner");
				owner.start();
				bean.entered().await();
				AtomicReference<Throwable> thrown = new AtomicReference<>();
				AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
				Thread waiter = new Thread(() -> {
					Thread.currentThread().interrupt();
					try {
						bean.charge("k-1");
					}
					catch (Throwable ex) {
						thrown.set(ex);
					}
					stillInterrupted.set(Thread.currentThread().isInterrupted());
				}, "waiter");
				waiter.start();
				waiter.join();
				bean.release().countDown();
				owner.join();
				assertThat(thrown.get()).isInstanceOf(IdempotencyInProgressException.class)
					.hasCauseInstanceOf(InterruptedException.class);
				assertThat(stillInterrupted.get()).isTrue();
				assertThat(bean.runs()).hasValue(1);
			});
	}

	// ---- beans
	// ------------------------------------------------------------------------------

	public record Command(String id, Long amount) {
	}

	public record Customer(String id) {
	}

	public record Order(Customer customer) {
	}

	/** Counts every time Jackson reads its property. */
	public static class Watched {

		static final AtomicInteger SERIALIZED = new AtomicInteger();

		public String getValue() {
			SERIALIZED.incrementAndGet();
			return "watched";
		}

	}

	/** Jackson cannot write it: its only property throws. */
	public static class Unwritable {

		public String getValue() {
			throw new IllegalStateException("secret internals");
		}

	}

	public static class MisspelledKey {

		@Idempotent(key = "#comand.id")
		public String charge(Command command) {
			return "charged";
		}

	}

	public static class MisspelledFingerprint {

		@Idempotent(key = "#id", fingerprint = "#amout")
		public String charge(String id, long amount) {
			return "charged";
		}

	}

	public static class IndexBeyondParameters {

		@Idempotent(key = "#p1")
		public String charge(String id) {
			return "charged";
		}

	}

	public static class IndexReferences {

		private final AtomicInteger runs = new AtomicInteger();

		@Idempotent(key = "#p0", fingerprint = "#a1")
		public String byP(String id, int amount) {
			return "p:" + id + ":" + this.runs.incrementAndGet();
		}

		@Idempotent(key = "#a0.id", fingerprint = "#root")
		public String byA(Command command) {
			return "a:" + command.id();
		}

	}

	public static class CountingFingerprints {

		@Idempotent(key = "#id")
		public String charge(String id, Watched watched) {
			return "charged";
		}

	}

	public static class NestedKey {

		@Idempotent(key = "#order.customer.id")
		public String charge(Order order) {
			return "charged";
		}

	}

	public static class NestedFingerprint {

		private final AtomicInteger runs = new AtomicInteger();

		public AtomicInteger runs() {
			return this.runs;
		}

		@Idempotent(key = "#id", fingerprint = "#order.customer.id")
		public String charge(String id, Order order) {
			this.runs.incrementAndGet();
			return "charged";
		}

	}

	public static class UnwritableArgument {

		private final AtomicInteger runs = new AtomicInteger();

		public AtomicInteger runs() {
			return this.runs;
		}

		@Idempotent(key = "#id")
		public String charge(String id, Unwritable unwritable) {
			this.runs.incrementAndGet();
			return "charged";
		}

	}

	public static class Overloads {

		@Idempotent(key = "#id")
		public String charge(String id) {
			return "one:" + id;
		}

		@Idempotent(key = "#id")
		public String charge(String id, int amount) {
			return "two:" + id + ":" + amount;
		}

	}

	public static class BaseLedger {

		@Idempotent(key = "#id")
		public String record(String id) {
			return getClass().getEnclosingClass().getSimpleName() + ":" + id;
		}

	}

	public static class Card {

		public static class Ledger extends BaseLedger {

		}

		public static class Register {

			@Idempotent(key = "#id")
			public String record(String id) {
				return "card:" + id;
			}

		}

	}

	public static class Cash {

		public static class Ledger extends BaseLedger {

		}

		public static class Register {

			@Idempotent(key = "#id")
			public String record(String id) {
				return "cash:" + id;
			}

		}

	}

	public static class SharedName {

		@Idempotent(key = "#id", name = "ledger")
		public String first(String id) {
			return "first:" + id;
		}

		@Idempotent(key = "#id", name = "ledger")
		public String second(String id) {
			return "second:" + id;
		}

	}

	public static class BlockingPayments {

		private final CountDownLatch entered = new CountDownLatch(1);

		private final CountDownLatch release = new CountDownLatch(1);

		private final AtomicInteger runs = new AtomicInteger();

		public CountDownLatch entered() {
			return this.entered;
		}

		public CountDownLatch release() {
			return this.release;
		}

		public AtomicInteger runs() {
			return this.runs;
		}

		@Idempotent(key = "#id")
		public String charge(String id) {
			this.runs.incrementAndGet();
			this.entered.countDown();
			try {
				this.release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return "charged";
		}

	}

	public static class WaitingPayments {

		private final CompletableFuture<String> first = new CompletableFuture<>();

		private final AtomicInteger calls = new AtomicInteger();

		public CompletableFuture<String> first() {
			return this.first;
		}

		@Idempotent(key = "#id")
		public CompletableFuture<String> charge(String id) {
			if (this.calls.incrementAndGet() == 1) {
				return this.first;
			}
			return CompletableFuture.completedFuture("caller=" + MDC.get("caller"));
		}

	}

	public static class AsyncPayments {

		private final CompletableFuture<String> pending = new CompletableFuture<>();

		/** Through the proxy, which has fields of its own. */
		public CompletableFuture<String> pending() {
			return this.pending;
		}

		@Idempotent(key = "#id")
		public CompletableFuture<String> charge(String id) {
			return this.pending;
		}

	}

}
