package dev.resilience.idempotency;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.resilience.ContextPropagator;
import dev.resilience.idempotency.IdempotencyConfig.OnInProgress;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where an asynchronous idempotent call runs: the method with the caller's context, every
 * store operation after the first claim on the idempotency executor (never on the
 * scheduler, which only times the delays), and the caller's stage completed there too,
 * never on the thread that happened to complete the method's stage (an I/O event loop).
 */
class IdempotencyAsyncContextTests {

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static final String KEY = "order-17";

	private static final ThreadLocal<String> CALLER = new ThreadLocal<>();

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final MemoryIdempotencyStore memory = new MemoryIdempotencyStore(100, this.ticker);

	private final FaultInjectingStore store = new FaultInjectingStore(this.memory, this.ticker, LEASE);

	private final QueuedExecutor io = new QueuedExecutor("idempotency-io");

	/**
	 * Carries {@link #CALLER} the way Micrometer's context propagation carries MDC or
	 * security.
	 */
	private final ContextPropagator propagator = (task) -> {
		String captured = CALLER.get();
		return () -> {
			String previous = CALLER.get();
			CALLER.set(captured);
			try {
				task.run();
			}
			finally {
				CALLER.set(previous);
			}
		};
	};

	@Test
	void waitingCallRunsTheMethodWithTheCallersContextAndDoesItsStoreIoOnTheIdempotencyExecutor() throws Exception {
		Idempotency idempotency = Idempotency
			.builder("payments", config().onInProgress(OnInProgress.WAIT).build(), this.store)
			.ticker(this.ticker)
			.scheduler(this.scheduler)
			.ioExecutor(this.io)
			.contextPropagator(this.propagator)
			.build();
		String caller = Thread.currentThread().getName();
		String elsewhere = ((ClaimResult.Claimed) this.memory.claim(recordId(), "fp", LEASE)).leaseToken();
		AtomicReference<String> seenByMethod = new AtomicReference<>();
		AtomicReference<String> methodThread = new AtomicReference<>();
		CompletableFuture<Object> methodStage = new CompletableFuture<>();
		CALLER.set("alice");
		CompletionStage<Object> stage;
		try {
			stage = idempotency.executeAsync(KEY, null, "fp", StringResultCodec.INSTANCE, (String argument) -> {
				seenByMethod.set(CALLER.get());
				methodThread.set(Thread.currentThread().getName());
				return methodStage;
			}, "x");
		}
		finally {
			CALLER.remove();
		}
		assertThat(this.memory.release(recordId(), elsewhere)).isTrue();
		this.scheduler.advance(Duration.ofSeconds(1));
		assertThat(this.io.drain()).as("the poll went to the idempotency executor").isPositive();
		assertThat(seenByMethod).as("the caller's context").hasValue("alice");
		assertThat(methodThread).hasValue("idempotency-io");

		for (int step = 0; step < 6; step++) {
			// the executor runs each renewal as soon as the scheduler hands it over
			this.scheduler.advance(LEASE.dividedBy(3));
			this.io.drain();
		}
		AtomicReference<String> completedOn = new AtomicReference<>();
		CompletableFuture<Object> dependent = stage.toCompletableFuture().thenApply((value) -> {
			completedOn.set(Thread.currentThread().getName());
			return value;
		});
		Thread eventLoop = new Thread(() -> methodStage.complete("done"), "event-loop");
		eventLoop.start();
		eventLoop.join();
		assertThat(dependent).as("not completed on the event loop").isNotDone();
		this.io.drain();
		assertThat(dependent).isCompletedWithValue("done");
		assertThat(completedOn).hasValue("idempotency-io");

		List<String> operations = this.store.log();
		assertThat(operations.get(0)).as("first claim on the caller's thread").isEqualTo("CLAIM@" + caller);
		assertThat(operations.subList(1, operations.size())).as("then every store operation on the executor")
			.isNotEmpty()
			.allSatisfy((operation) -> assertThat(operation).endsWith("@idempotency-io"));
		assertThat(operations).anySatisfy((operation) -> assertThat(operation).startsWith("RENEW@"))
			.anySatisfy((operation) -> assertThat(operation).startsWith("COMPLETE@"));
		assertThat(this.memory.find(recordId()).orElseThrow().state()).isEqualTo(IdempotencyRecord.State.COMPLETED);
		assertThat(this.scheduler.pendingTasks()).isZero();
	}

	@Test
	void failureOfTheMethodsStageIsReleasedOnTheExecutorAndReachesTheCallerThere() throws Exception {
		Idempotency idempotency = Idempotency.builder("payments", config().build(), this.store)
			.ticker(this.ticker)
			.scheduler(this.scheduler)
			.ioExecutor(this.io)
			.contextPropagator(this.propagator)
			.build();
		CompletableFuture<Object> methodStage = new CompletableFuture<>();
		CompletionStage<Object> stage = idempotency.executeAsync(KEY, null, "fp", StringResultCodec.INSTANCE,
				(String argument) -> methodStage, "x");
		IllegalStateException failure = new IllegalStateException("declined");
		Thread eventLoop = new Thread(() -> methodStage.completeExceptionally(failure), "event-loop");
		eventLoop.start();
		eventLoop.join();
		assertThat(stage.toCompletableFuture()).isNotDone();
		this.io.drain();
		assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
		assertThat(stage.toCompletableFuture().handle((value, thrown) -> thrown).join()).isSameAs(failure);
		assertThat(this.store.log()).contains("RELEASE@idempotency-io");
		assertThat(this.memory.find(recordId())).isEmpty();
	}

	private IdempotencyConfig.Builder config() {
		return IdempotencyConfig.custom().inProgressTimeout(LEASE);
	}

	private static String recordId() {
		return IdempotencyKeys.recordId(IdempotencyConfig.DEFAULT_KEY_PREFIX, null, "payments", KEY);
	}

	/** Holds tasks until {@link #drain()} runs them on a thread of the given name. */
	private static final class QueuedExecutor implements Executor {

		private final String threadName;

		private final Queue<Runnable> tasks = new ArrayDeque<>();

		QueuedExecutor(String threadName) {
			this.threadName = threadName;
		}

		@Override
		public synchronized void execute(Runnable task) {
			this.tasks.add(task);
		}

		/**
		 * Runs queued tasks (and those they queue) until none is left; returns how many
		 * ran.
		 */
		int drain() throws InterruptedException {
			List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
			int[] ran = new int[1];
			Thread worker = new Thread(() -> {
				while (true) {
					Runnable next;
					synchronized (this) {
						next = this.tasks.poll();
					}
					if (next == null) {
						return;
					}
					ran[0]++;
					try {
						next.run();
					}
					catch (Throwable ex) {
						failures.add(ex);
					}
				}
			}, this.threadName);
			worker.start();
			worker.join();
			assertThat(failures).as("tasks ran without throwing").isEmpty();
			return ran[0];
		}

	}

}
