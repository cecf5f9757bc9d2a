package dev.resilience.spring.aop;

import java.lang.management.ManagementFactory;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilience.ResilienceRegistry;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Idempotent;
import dev.resilience.fallback.FallbackListener;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;
import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A method inherited by several beans is protected, for each bean, by what that bean's
 * class declares: its own breaker, its own fallback, its own idempotency namespace and a
 * result codec for the return type as that class binds it.
 */
class InheritedMethodPipelineTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class,
				ResilienceIdempotencyAutoConfiguration.class, BootLine.type(BootLine.JACKSON)));

	@Test
	void beansInheritingOneMethodEachGetTheirOwnBreakerAndFallback() {
		this.runner.withBean(AlphaCatalog.class, () -> new AlphaCatalog(failing("alpha down")))
			.withBean(BetaCatalog.class, () -> new BetaCatalog(failing("beta down")))
			.run((context) -> {
				AlphaCatalog alpha = context.getBean(AlphaCatalog.class);
				BetaCatalog beta = context.getBean(BetaCatalog.class);

				assertThat(alpha.fetch("x")).isEqualTo("alpha-fallback:x");
				assertThat(beta.fetch("y")).isEqualTo("beta-fallback:y");

				ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
				assertThat(registry.circuitBreaker("alpha").getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
				assertThat(registry.circuitBreaker("beta").getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
			});
	}

	@Test
	void inheritedOverloadsEachKeepTheirOwnFallbackPerBean() {
		this.runner.withBean(AlphaCatalog.class, () -> new AlphaCatalog(failing("alpha down")))
			.withBean(BetaCatalog.class, () -> new BetaCatalog(failing("beta down")))
			.run((context) -> {
				AlphaCatalog alpha = context.getBean(AlphaCatalog.class);
				BetaCatalog beta = context.getBean(BetaCatalog.class);

				assertThat(beta.fetch(7)).isEqualTo("beta-fallback:#7");
				assertThat(alpha.fetch(7)).isEqualTo("alpha-fallback:#7");
				assertThat(beta.fetch("z")).isEqualTo("beta-fallback:z");
			});
	}

	@Test
	void fallbacksAreCountedUnderTheClassOfTheBeanThatRanThem() {
		List<String> counted = new CopyOnWriteArrayList<>();
		this.runner.withBean(AlphaCatalog.class, () -> new AlphaCatalog(failing("alpha down")))
			.withBean(BetaCatalog.class, () -> new BetaCatalog(failing("beta down")))
			.withBean(FallbackListener.class, () -> (method, failure) -> counted.add(method))
			.run((context) -> {
				context.getBean(BetaCatalog.class).fetch("a");
				context.getBean(AlphaCatalog.class).fetch("b");

				assertThat(counted).containsExactly("BetaCatalog.fetch", "AlphaCatalog.fetch");
			});
	}

	@Test
	void genericBaseReplaysTheResultTypeItsSubclassBinds() {
		AtomicInteger runs = new AtomicInteger();
		this.runner.withBean(ReceiptJob.class, () -> new ReceiptJob(runs)).run((context) -> {
			ReceiptJob job = context.getBean(ReceiptJob.class);

			Receipt first = job.run("k-1");
			Object replay = job.run("k-1");

			assertThat(replay).isInstanceOf(Receipt.class).isEqualTo(first);
			assertThat(runs).hasValue(1);
		});
	}

	@Test
	void genericBaseReplaysTheResultTypeItsSubclassBindsForACompletionStage() {
		AtomicInteger runs = new AtomicInteger();
		this.runner.withBean(ReceiptJob.class, () -> new ReceiptJob(runs)).run((context) -> {
			ReceiptJob job = context.getBean(ReceiptJob.class);

			Receipt first = job.runAsync("k-2").join();
			Object replay = job.runAsync("k-2").join();

			assertThat(replay).isInstanceOf(Receipt.class).isEqualTo(first);
			assertThat(runs).hasValue(1);
		});
	}

	@Test
	void beansInheritingOneIdempotentMethodNeverShareRecords() {
		AtomicInteger parcelRuns = new AtomicInteger();
		this.runner.withBean(ReceiptJob.class, () -> new ReceiptJob(new AtomicInteger()))
			.withBean(ParcelJob.class, () -> new ParcelJob(parcelRuns))
			.run((context) -> {
				ReceiptJob receipts = context.getBean(ReceiptJob.class);
				ParcelJob parcels = context.getBean(ParcelJob.class);

				Receipt receipt = receipts.run("same-key");
				Object parcel = parcels.run("same-key");

				assertThat(receipt).isEqualTo(new Receipt("same-key", 1));
				assertThat(parcel).isInstanceOf(Parcel.class).isEqualTo(new Parcel("same-key", "tracked"));
				assertThat(parcelRuns).as("the parcel job ran rather than replaying the receipt job's record")
					.hasValue(1);
			});
	}

	@Test
	void typeVariableBoundToACompletableFutureGetsAsynchronousSemantics() {
		this.runner.withBean(PendingJob.class, () -> new PendingJob(new AtomicInteger())).run((context) -> {
			PendingJob job = context.getBean(PendingJob.class);

			CompletableFuture<Receipt> result = job.run("k-3");

			assertThat(result).failsWithin(Duration.ofSeconds(10));
			assertThat(context.getBean(ResilienceRegistry.class)
				.circuitBreaker("pending")
				.getMetrics()
				.getNumberOfFailedCalls()).as("the failed stage is the call's failure").isEqualTo(1);
		});
	}

	@Test
	void jdkProxiesOfOneInterfaceEachGetTheirOwnPipeline() {
		this.runner.withBean("left", Greeter.class, () -> jdkProxy(new LeftGreeter()))
			.withBean("right", Greeter.class, () -> jdkProxy(new RightGreeter()))
			.run((context) -> {
				Greeter left = context.getBean("left", Greeter.class);
				Greeter right = context.getBean("right", Greeter.class);
				assertThat(AopUtils.isJdkDynamicProxy(left)).isTrue();

				assertThat(left.greet("ann")).isEqualTo("left-fallback:ann");
				assertThat(right.greet("bob")).isEqualTo("right-fallback:bob");

				ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
				assertThat(registry.circuitBreaker("left").getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
				assertThat(registry.circuitBreaker("right").getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
			});
	}

	@Test
	void concurrentFirstCallsThroughJdkProxiesEachReachTheirOwnBeansPipeline() {
		this.runner
			.withPropertyValues("resilience.circuit-breaker.defaults.sliding-window-size=1000",
					"resilience.circuit-breaker.defaults.minimum-number-of-calls=1000")
			.withBean("left", Greeter.class, () -> jdkProxy(new LeftGreeter()))
			.withBean("right", Greeter.class, () -> jdkProxy(new RightGreeter()))
			.run((context) -> {
				Greeter left = context.getBean("left", Greeter.class);
				Greeter right = context.getBean("right", Greeter.class);
				int threads = 4;
				int callsPerThread = 100;
				CountDownLatch start = new CountDownLatch(1);
				List<String> wrong = new CopyOnWriteArrayList<>();
				ExecutorService executor = Executors.newFixedThreadPool(threads);
				try {
					List<Future<?>> futures = new ArrayList<>();
					for (int t = 0; t < threads; t++) {
						boolean leftFirst = t % 2 == 0;
						futures.add(executor.submit(() -> {
							start.await();
							for (int i = 0; i < callsPerThread; i++) {
								boolean toLeft = leftFirst == (i % 2 == 0);
								String answer = (toLeft ? left : right).greet("n");
								if (!answer.equals((toLeft ? "left" : "right") + "-fallback:n")) {
									wrong.add(answer);
								}
							}
							return null;
						}));
					}
					start.countDown();
					for (Future<?> future : futures) {
						future.get(30, TimeUnit.SECONDS);
					}
				}
				finally {
					executor.shutdownNow();
				}

				assertThat(wrong).as("answers from the other bean's fallback").isEmpty();
				ResilienceRegistry registry = context.getBean(ResilienceRegistry.class);
				int perBean = threads * callsPerThread / 2;
				assertThat(registry.circuitBreaker("left").getMetrics().getNumberOfFailedCalls()).isEqualTo(perBean);
				assertThat(registry.circuitBreaker("right").getMetrics().getNumberOfFailedCalls()).isEqualTo(perBean);
			});
	}

	@Test
	void pipelineLookupByMethodAndTargetClassAllocatesNothingOnTheSuccessPath() {
		this.runner.run((context) -> {
			ResilienceMethodInterceptor interceptor = new ResilienceMethodInterceptor(
					() -> context.getBean(MethodPipelineFactory.class));
			interceptor.prepare(AlphaCatalog.class);
			interceptor.prepare(BetaCatalog.class);
			MethodInvocation invocation = new DirectInvocation(new BetaCatalog(new AtomicReference<>()),
					Catalog.class.getMethod("fetch", String.class), new Object[] { "a" }, "live:a");
			com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
				.getThreadMXBean();
			int calls = 200_000;
			for (int i = 0; i < calls; i++) {
				interceptor.invoke(invocation);
			}
			long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
			for (int i = 0; i < calls; i++) {
				interceptor.invoke(invocation);
			}
			long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;

			assertThat(context.getBean(ResilienceRegistry.class)
				.circuitBreaker("beta")
				.getMetrics()
				.getNumberOfSuccessfulCalls()).as("the calls ran through beta's pipeline").isPositive();
			assertThat((double) allocated / calls).as("bytes allocated per call").isLessThan(1.0);
		});
	}

	/**
	 * A method invocation that returns a fixed result, as the innermost proceed of a
	 * proxy would.
	 */
	private record DirectInvocation(Object target, Method method, Object[] arguments,
			Object result) implements MethodInvocation {

		@Override
		public Method getMethod() {
			return this.method;
		}

		@Override
		public Object[] getArguments() {
			return this.arguments;
		}

		@Override
		public Object proceed() {
			return this.result;
		}

		@Override
		public Object getThis() {
			return this.target;
		}

		@Override
		public AccessibleObject getStaticPart() {
			return this.method;
		}

	}

	private static AtomicReference<RuntimeException> failing(String message) {
		return new AtomicReference<>(new IllegalStateException(message));
	}

	/** A bean some other infrastructure already proxied through its interface. */
	private static Greeter jdkProxy(Greeter target) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setInterfaces(Greeter.class);
		factory.setProxyTargetClass(false);
		factory.addAdvice((MethodInterceptor) (invocation) -> invocation.proceed());
		return (Greeter) factory.getProxy();
	}

	/**
	 * State lives outside the bean: a field read through the class-based proxy would not
	 * reach the target.
	 */
	public abstract static class Catalog {

		private final AtomicReference<RuntimeException> failure;

		Catalog(AtomicReference<RuntimeException> failure) {
			this.failure = failure;
		}

		public String fetch(String id) {
			RuntimeException failure = this.failure.get();
			if (failure != null) {
				throw failure;
			}
			return "live:" + id;
		}

		public String fetch(int id) {
			return fetch(Integer.toString(id));
		}

	}

	@CircuitBreaker(name = "alpha")
	@Fallback(method = "alphaFallback")
	public static class AlphaCatalog extends Catalog {

		AlphaCatalog(AtomicReference<RuntimeException> failure) {
			super(failure);
		}

		String alphaFallback(String id, Throwable failure) {
			return "alpha-fallback:" + id;
		}

		String alphaFallback(int id, Throwable failure) {
			return "alpha-fallback:#" + id;
		}

	}

	@CircuitBreaker(name = "beta")
	@Fallback(method = "betaFallback")
	public static class BetaCatalog extends Catalog {

		BetaCatalog(AtomicReference<RuntimeException> failure) {
			super(failure);
		}

		String betaFallback(String id, Throwable failure) {
			return "beta-fallback:" + id;
		}

		String betaFallback(int id, Throwable failure) {
			return "beta-fallback:#" + id;
		}

	}

	public abstract static class Job<R> {

		final AtomicInteger runs;

		Job(AtomicInteger runs) {
			this.runs = runs;
		}

		public R run(String key) {
			this.runs.incrementAndGet();
			return produce(key);
		}

		public CompletableFuture<R> runAsync(String key) {
			return CompletableFuture.completedFuture(run(key));
		}

		protected abstract R produce(String key);

	}

	@Idempotent(key = "#p0")
	public static class ReceiptJob extends Job<Receipt> {

		ReceiptJob(AtomicInteger runs) {
			super(runs);
		}

		@Override
		protected Receipt produce(String key) {
			return new Receipt(key, this.runs.get());
		}

	}

	@Idempotent(key = "#p0")
	public static class ParcelJob extends Job<Parcel> {

		ParcelJob(AtomicInteger runs) {
			super(runs);
		}

		@Override
		protected Parcel produce(String key) {
			return new Parcel(key, "tracked");
		}

	}

	@CircuitBreaker(name = "pending")
	public static class PendingJob extends Job<CompletableFuture<Receipt>> {

		PendingJob(AtomicInteger runs) {
			super(runs);
		}

		@Override
		protected CompletableFuture<Receipt> produce(String key) {
			return CompletableFuture.failedFuture(new IllegalStateException("downstream failed " + key));
		}

	}

	public record Receipt(String id, int run) {
	}

	public record Parcel(String id, String state) {
	}

	public interface Greeter {

		String greet(String name);

	}

	@CircuitBreaker(name = "left")
	@Fallback(method = "fallback")
	public static class LeftGreeter implements Greeter {

		@Override
		public String greet(String name) {
			throw new IllegalStateException("left down");
		}

		String fallback(String name) {
			return "left-fallback:" + name;
		}

	}

	@CircuitBreaker(name = "right")
	@Fallback(method = "fallback")
	public static class RightGreeter implements Greeter {

		@Override
		public String greet(String name) {
			throw new IllegalStateException("right down");
		}

		String fallback(String name) {
			return "right-fallback:" + name;
		}

	}

}
