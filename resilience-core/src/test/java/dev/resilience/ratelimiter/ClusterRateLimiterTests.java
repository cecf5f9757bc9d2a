package dev.resilience.ratelimiter;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.resilience.ContextPropagator;
import dev.resilience.InvalidConfigurationException;
import dev.resilience.ratelimiter.PermitStore.PermitDecision;
import dev.resilience.ratelimiter.PermitStore.PermitRequest;
import dev.resilience.ratelimiter.RateLimiterConfig.OnStoreUnavailable;
import dev.resilience.ratelimiter.RateLimiterConfig.Scope;
import dev.resilience.ratelimiter.internal.ClusterRateLimiter;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A rate limiter of cluster scope over a scripted {@link PermitStore}: it does what the
 * store decides, counts each call once, and when the store fails it decides alone as
 * configured, asking the store again once per second only, from one caller however many
 * race.
 */
@Timeout(30)
class ClusterRateLimiterTests {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	private final FakeTicker ticker = new FakeTicker();

	private final FakeScheduler scheduler = new FakeScheduler(this.ticker);

	private final ScriptedStore store = new ScriptedStore();

	@AfterEach
	void clearInterrupt() {
		Thread.interrupted();
	}

	private RateLimiter limiter(OnStoreUnavailable mode, Duration timeoutDuration) {
		return limiter(mode, timeoutDuration, ContextPropagator.NONE);
	}

	private RateLimiter limiter(OnStoreUnavailable mode, Duration timeoutDuration, ContextPropagator propagator) {
		RateLimiterConfig config = RateLimiterConfig.custom()
			.scope(Scope.CLUSTER)
			.limitForPeriod(100)
			.limitRefreshPeriod(Duration.ofSeconds(1))
			.timeoutDuration(timeoutDuration)
			.onStoreUnavailable(mode)
			.storeTimeout(Duration.ofMillis(50))
			.build();
		return RateLimiter.of("partner", config, this.store, this.ticker, this.scheduler, propagator);
	}

	@Test
	void asksTheStoreWithTheLimitersOwnRequest() {
		RateLimiter limiter = limiter(OnStoreUnavailable.ALLOW, Duration.ofMillis(300));
		this.store.answer(PermitDecision.permitted(0, 41));
		this.store.answer(PermitDecision.permitted(0, 40));

		limiter.acquirePermission();
		limiter.tryAcquirePermission();

		assertThat(limiter).isInstanceOf(ClusterRateLimiter.class);
		assertThat(this.store.requests).containsExactly(
				new PermitRequest("partner", 100, SECOND, TimeUnit.MILLISECONDS.toNanos(300),
						TimeUnit.MILLISECONDS.toNanos(50)),
				new PermitRequest("partner", 100, SECOND, 0, TimeUnit.MILLISECONDS.toNanos(50)));
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(2);
		assertThat(limiter.getMetrics().getAvailablePermissions()).isEqualTo(40);
	}

	@Test
	void aRefusalOfTheStoreIsARejectionWithTheStoresRetryAfter() {
		RateLimiter limiter = limiter(OnStoreUnavailable.ALLOW, Duration.ZERO);
		this.store.answer(PermitDecision.refused(TimeUnit.MILLISECONDS.toNanos(7), -3));
		this.store.answer(PermitDecision.refused(5, 0));

		assertThatExceptionOfType(RequestNotPermittedException.class).isThrownBy(limiter::acquirePermission)
			.satisfies((ex) -> assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofMillis(7)));
		assertThat(limiter.tryAcquirePermission()).isFalse();

		assertThat(limiter.getMetrics().getNumberOfRejectedCalls()).isEqualTo(2);
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isZero();
		assertThat(limiter.getMetrics().getNumberOfStoreUnavailableCalls()).isZero();
		assertThat(limiter.getMetrics().getAvailablePermissions()).isZero();
	}

	@Test
	void aReservedPermitIsWaitedForOnTheScheduler() throws Throwable {
		RateLimiter limiter = limiter(OnStoreUnavailable.ALLOW, Duration.ofMillis(300));
		this.store.answer(PermitDecision.permitted(TimeUnit.MILLISECONDS.toNanos(120), -1));
		long before = this.ticker.read();

		String result = limiter.execute((ignored) -> "sent", null);

		assertThat(result).isEqualTo("sent");
		assertThat(this.ticker.read() - before).isEqualTo(TimeUnit.MILLISECONDS.toNanos(120));
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(1);
	}

	@Test
	void anInterruptWhileWaitingForAReservedPermitRefusesTheCallAndKeepsTheFlag() throws Exception {
		RateLimiter limiter = RateLimiter.of("partner",
				RateLimiterConfig.custom().scope(Scope.CLUSTER).timeoutDuration(Duration.ofSeconds(1)).build(),
				this.store, this.ticker, new dev.resilience.Scheduler() {

					@Override
					public Cancellable schedule(Runnable task, long delayNanos) {
						throw new UnsupportedOperationException();
					}

					@Override
					public void sleep(long delayNanos) throws InterruptedException {
						throw new InterruptedException();
					}

				}, ContextPropagator.NONE);
		this.store.answer(PermitDecision.permitted(TimeUnit.MILLISECONDS.toNanos(500), -1));
		AtomicInteger ran = new AtomicInteger();

		assertThatExceptionOfType(RequestNotPermittedException.class)
			.isThrownBy(() -> limiter.execute((ignored) -> ran.incrementAndGet(), null));

		assertThat(Thread.currentThread().isInterrupted()).isTrue();
		assertThat(ran).hasValue(0);
		assertThat(limiter.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isZero();
	}

	@Test
	void whenTheStoreFailsAnAllowingLimiterLetsTheCallThroughCountedOnlyAsStoreUnavailable() throws Throwable {
		RateLimiter limiter = limiter(OnStoreUnavailable.ALLOW, Duration.ZERO);
		this.store.fail(new IllegalStateException("connection refused"));

		String result = limiter.execute((ignored) -> "sent", null);

		assertThat(result).isEqualTo("sent");
		assertThat(limiter.getMetrics().getNumberOfStoreUnavailableCalls()).isEqualTo(1);
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isZero();
		assertThat(limiter.getMetrics().getNumberOfRejectedCalls()).isZero();
		assertThat(((ClusterRateLimiter) limiter).isStoreAvailable()).isFalse();
	}

	@Test
	void whenTheStoreFailsADenyingLimiterRefusesUntilTheNextProbe() {
		RateLimiter limiter = limiter(OnStoreUnavailable.DENY, Duration.ZERO);
		this.store.fail(new IllegalStateException("timed out"));
		AtomicInteger ran = new AtomicInteger();

		assertThatExceptionOfType(RequestNotPermittedException.class)
			.isThrownBy(() -> limiter.execute((ignored) -> ran.incrementAndGet(), null))
			.satisfies((ex) -> assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofSeconds(1)));
		this.ticker.advance(Duration.ofMillis(400));
		assertThat(limiter.tryAcquirePermission()).isFalse();
		assertThatExceptionOfType(RequestNotPermittedException.class).isThrownBy(limiter::acquirePermission)
			.satisfies((ex) -> assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofMillis(600)));

		assertThat(ran).hasValue(0);
		assertThat(limiter.getMetrics().getNumberOfStoreUnavailableCalls()).isEqualTo(3);
		assertThat(limiter.getMetrics().getNumberOfRejectedCalls()).isZero();
		assertThat(this.store.requests).hasSize(1);
	}

	@Test
	void duringAnOutageTheStoreIsAskedOncePerSecondAndItsFirstAnswerEndsTheOutage() {
		RateLimiter limiter = limiter(OnStoreUnavailable.ALLOW, Duration.ZERO);
		this.store.fail(new IllegalStateException("down"));
		limiter.acquirePermission();
		for (int i = 0; i < 50; i++) {
			limiter.acquirePermission();
			this.ticker.advance(Duration.ofMillis(10));
		}
		assertThat(this.store.requests).hasSize(1);

		this.ticker.advance(Duration.ofMillis(500));
		this.store.fail(new IllegalStateException("still down"));
		limiter.acquirePermission();
		limiter.acquirePermission();
		assertThat(this.store.requests).hasSize(2);
		assertThat(((ClusterRateLimiter) limiter).isStoreAvailable()).isFalse();

		this.ticker.advance(Duration.ofMillis(999));
		limiter.acquirePermission();
		assertThat(this.store.requests).hasSize(2);
		this.ticker.advance(Duration.ofMillis(1));
		this.store.answer(PermitDecision.permitted(0, 99));
		this.store.answer(PermitDecision.permitted(0, 98));
		limiter.acquirePermission();
		limiter.acquirePermission();

		assertThat(this.store.requests).hasSize(4);
		assertThat(((ClusterRateLimiter) limiter).isStoreAvailable()).isTrue();
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(2);
		assertThat(limiter.getMetrics().getNumberOfStoreUnavailableCalls()).isEqualTo(1 + 50 + 2 + 1);
	}

	@Test
	void manyThreadsRacingAtTheProbeTimeAskTheStoreExactlyOnce() throws Exception {
		RateLimiter limiter = limiter(OnStoreUnavailable.ALLOW, Duration.ZERO);
		this.store.fail(new IllegalStateException("down"));
		limiter.acquirePermission();
		this.ticker.advance(Duration.ofSeconds(1));
		CountDownLatch inStore = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.store.block(inStore, release, PermitDecision.permitted(0, 1));
		int threads = 16;
		CyclicBarrier start = new CyclicBarrier(threads);
		List<Thread> workers = new ArrayList<>();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch decidedAlone = new CountDownLatch(threads - 1);
		for (int i = 0; i < threads; i++) {
			Thread worker = new Thread(() -> {
				try {
					start.await();
					long before = limiter.getMetrics().getNumberOfStoreUnavailableCalls();
					limiter.acquirePermission();
					if (limiter.getMetrics().getNumberOfStoreUnavailableCalls() > before) {
						decidedAlone.countDown();
					}
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
			});
			worker.start();
			workers.add(worker);
		}
		inStore.await();
		decidedAlone.await();
		release.countDown();
		for (Thread worker : workers) {
			worker.join();
		}

		assertThat(failure.get()).isNull();
		assertThat(this.store.requests).hasSize(2);
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(1);
		assertThat(limiter.getMetrics().getNumberOfStoreUnavailableCalls()).isEqualTo(1 + threads - 1);
	}

	@Test
	void aNullDecisionIsAStoreFailure() {
		RateLimiter limiter = limiter(OnStoreUnavailable.DENY, Duration.ZERO);
		this.store.answer(null);

		assertThatExceptionOfType(RequestNotPermittedException.class).isThrownBy(limiter::acquirePermission);

		assertThat(limiter.getMetrics().getNumberOfStoreUnavailableCalls()).isEqualTo(1);
		assertThat(((ClusterRateLimiter) limiter).isStoreAvailable()).isFalse();
	}

	@Test
	void aVirtualMachineErrorOfTheStoreIsNotAnOutage() {
		RateLimiter limiter = limiter(OnStoreUnavailable.ALLOW, Duration.ZERO);
		this.store.fail(new OutOfMemoryError("store"));

		assertThatExceptionOfType(OutOfMemoryError.class).isThrownBy(limiter::acquirePermission);

		assertThat(((ClusterRateLimiter) limiter).isStoreAvailable()).isTrue();
		assertThat(limiter.getMetrics().getNumberOfStoreUnavailableCalls()).isZero();
	}

	@Test
	void anAsynchronousCallStartsOnTheSchedulerInTheCallersContextNeverOnTheStoresThread() throws Exception {
		ThreadLocal<String> context = new ThreadLocal<>();
		ContextPropagator propagator = (task) -> {
			String captured = context.get();
			return () -> {
				context.set(captured);
				try {
					task.run();
				}
				finally {
					context.remove();
				}
			};
		};
		RateLimiter limiter = limiter(OnStoreUnavailable.ALLOW, Duration.ZERO, propagator);
		CompletableFuture<PermitDecision> decision = new CompletableFuture<>();
		this.store.answerAsync(decision);
		AtomicReference<String> seen = new AtomicReference<>();
		AtomicReference<Thread> ranOn = new AtomicReference<>();
		context.set("caller");
		CompletionStage<String> result = limiter.executeAsync((ignored) -> {
			seen.set(context.get());
			ranOn.set(Thread.currentThread());
			return CompletableFuture.completedFuture("sent");
		}, null);
		context.remove();

		Thread storeThread = new Thread(() -> decision.complete(PermitDecision.permitted(0, 9)));
		storeThread.start();
		storeThread.join();
		assertThat(ranOn.get()).isNull();
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isZero();

		this.scheduler.runAll();

		assertThat(result.toCompletableFuture().get()).isEqualTo("sent");
		assertThat(ranOn.get()).isSameAs(Thread.currentThread());
		assertThat(seen.get()).isEqualTo("caller");
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isEqualTo(1);
	}

	@Test
	void anAsynchronousCallWaitsForItsReservedPermit() throws Exception {
		RateLimiter limiter = limiter(OnStoreUnavailable.ALLOW, Duration.ofMillis(300));
		this.store.answerAsync(CompletableFuture.completedFuture(PermitDecision.permitted(250_000_000L, -2)));
		AtomicInteger ran = new AtomicInteger();

		CompletionStage<Integer> result = limiter
			.executeAsync((ignored) -> CompletableFuture.completedFuture(ran.incrementAndGet()), null);
		this.scheduler.advance(Duration.ofMillis(249));
		assertThat(ran).hasValue(0);
		this.scheduler.advance(Duration.ofMillis(1));

		assertThat(result.toCompletableFuture().get()).isEqualTo(1);
	}

	@Test
	void anAsynchronousCallCancelledBeforeTheStoreAnswersNeverStartsAndIsNotCounted() {
		RateLimiter limiter = limiter(OnStoreUnavailable.ALLOW, Duration.ZERO);
		CompletableFuture<PermitDecision> decision = new CompletableFuture<>();
		this.store.answerAsync(decision);
		AtomicInteger ran = new AtomicInteger();

		CompletionStage<Integer> result = limiter
			.executeAsync((ignored) -> CompletableFuture.completedFuture(ran.incrementAndGet()), null);
		result.toCompletableFuture().cancel(false);
		decision.complete(PermitDecision.permitted(0, 5));
		this.scheduler.runAll();

		assertThat(ran).hasValue(0);
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isZero();
		assertThat(limiter.getMetrics().getNumberOfRejectedCalls()).isZero();
		assertThat(this.scheduler.pendingTasks()).isZero();
	}

	@Test
	void anAsynchronousRefusalOrOutageFailsTheStageAsConfigured() {
		RateLimiter denying = limiter(OnStoreUnavailable.DENY, Duration.ZERO);
		this.store.answerAsync(CompletableFuture.completedFuture(PermitDecision.refused(3_000_000L, 0)));
		this.store.answerAsync(CompletableFuture.failedFuture(new IllegalStateException("timed out")));

		CompletableFuture<Object> refused = denying
			.executeAsync((ignored) -> CompletableFuture.completedFuture((Object) "no"), null)
			.toCompletableFuture();
		CompletableFuture<Object> outage = denying
			.executeAsync((ignored) -> CompletableFuture.completedFuture((Object) "no"), null)
			.toCompletableFuture();
		CompletableFuture<Object> duringOutage = denying
			.executeAsync((ignored) -> CompletableFuture.completedFuture((Object) "no"), null)
			.toCompletableFuture();

		assertThatExceptionOfType(ExecutionException.class).isThrownBy(refused::get)
			.havingCause()
			.isInstanceOfSatisfying(RequestNotPermittedException.class,
					(ex) -> assertThat(ex.getRetryAfter()).isEqualTo(Duration.ofMillis(3)));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(outage::get)
			.havingCause()
			.isInstanceOf(RequestNotPermittedException.class);
		assertThat(duringOutage).isCompletedExceptionally();
		assertThat(this.store.requests).hasSize(2);
		assertThat(denying.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
		assertThat(denying.getMetrics().getNumberOfStoreUnavailableCalls()).isEqualTo(2);
	}

	@Test
	void anAsynchronousCallOfAnAllowingLimiterRunsThroughAnOutage() throws Exception {
		RateLimiter limiter = limiter(OnStoreUnavailable.ALLOW, Duration.ZERO);
		this.store.answerAsync(CompletableFuture.failedFuture(new IllegalStateException("timed out")));

		CompletionStage<String> first = limiter.executeAsync((ignored) -> CompletableFuture.completedFuture("a"), null);
		CompletionStage<String> second = limiter.executeAsync((ignored) -> CompletableFuture.completedFuture("b"),
				null);
		this.scheduler.runAll();

		assertThat(first.toCompletableFuture().get()).isEqualTo("a");
		assertThat(second.toCompletableFuture().get()).isEqualTo("b");
		assertThat(this.store.requests).hasSize(1);
		assertThat(limiter.getMetrics().getNumberOfStoreUnavailableCalls()).isEqualTo(2);
		assertThat(limiter.getMetrics().getNumberOfPermittedCalls()).isZero();
	}

	@Test
	void aClusterScopeWithoutAStoreIsRefused() {
		RateLimiterConfig config = RateLimiterConfig.custom().scope(Scope.CLUSTER).build();

		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> RateLimiter.of("partner", config, null, this.ticker, this.scheduler, ContextPropagator.NONE))
			.withMessageContaining("'partner'")
			.withMessageContaining("PermitStore");
		assertThatIllegalArgumentException().isThrownBy(() -> RateLimiter.of("partner", config))
			.withMessageContaining("PermitStore");
	}

	@Test
	void anInstanceScopeIgnoresTheStore() {
		RateLimiter limiter = RateLimiter.of("local", RateLimiterConfig.custom().limitForPeriod(1).build(), this.store,
				this.ticker, this.scheduler, ContextPropagator.NONE);

		assertThat(limiter.tryAcquirePermission()).isTrue();
		assertThat(limiter.tryAcquirePermission()).isFalse();
		assertThat(this.store.requests).isEmpty();
	}

	@Test
	void clusterPeriodsAndLimitsOutOfRangeNameTheSetting() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> RateLimiterConfig.custom()
				.scope(Scope.CLUSTER)
				.limitForPeriod(1)
				.limitRefreshPeriod(Duration.ofNanos(999_999))
				.build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("limitRefreshPeriod"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> RateLimiterConfig.custom()
				.scope(Scope.CLUSTER)
				.limitRefreshPeriod(Duration.ofDays(1).plusNanos(1))
				.build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("limitRefreshPeriod"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> RateLimiterConfig.custom()
				.scope(Scope.CLUSTER)
				.limitForPeriod(1001)
				.limitRefreshPeriod(Duration.ofMillis(1))
				.build())
			.satisfies((ex) -> {
				assertThat(ex.getSetting()).isEqualTo("limitForPeriod");
				assertThat(ex.getConverse().getSetting()).isEqualTo("limitRefreshPeriod");
			});
		RateLimiterConfig edge = RateLimiterConfig.custom()
			.scope(Scope.CLUSTER)
			.limitForPeriod(1000)
			.limitRefreshPeriod(Duration.ofMillis(1))
			.build();
		assertThat(edge.getLimitForPeriod()).isEqualTo(1000);
		RateLimiterConfig local = RateLimiterConfig.custom()
			.limitForPeriod(1001)
			.limitRefreshPeriod(Duration.ofMillis(1))
			.build();
		assertThat(local.getScope()).isEqualTo(Scope.INSTANCE);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RateLimiterConfig.custom().storeTimeout(Duration.ofSeconds(5).plusNanos(1)))
			.withMessageContaining("storeTimeout");
		assertThatIllegalArgumentException().isThrownBy(() -> RateLimiterConfig.custom().storeTimeout(Duration.ZERO))
			.withMessageContaining("storeTimeout");
	}

	@Test
	void aDecisionRefusesImpossibleValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> PermitDecision.permitted(-1, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> PermitDecision.refused(0, 0));
	}

	/** Answers each request with the next scripted outcome. */
	private static final class ScriptedStore implements PermitStore {

		final List<PermitRequest> requests = new java.util.concurrent.CopyOnWriteArrayList<>();

		private final Queue<Object> outcomes = new ArrayDeque<>();

		private CountDownLatch entered;

		private CountDownLatch release;

		synchronized void answer(PermitDecision decision) {
			this.outcomes.add((decision != null) ? decision : NULL);
		}

		synchronized void fail(Throwable failure) {
			this.outcomes.add(failure);
		}

		synchronized void answerAsync(CompletionStage<PermitDecision> stage) {
			this.outcomes.add(stage);
		}

		synchronized void block(CountDownLatch entered, CountDownLatch release, PermitDecision then) {
			this.entered = entered;
			this.release = release;
			this.outcomes.add(then);
		}

		private static final Object NULL = new Object();

		private synchronized Object next(PermitRequest request) {
			this.requests.add(request);
			Object next = this.outcomes.poll();
			if (next == null) {
				throw new AssertionError("the store was asked once more than scripted: " + request);
			}
			return next;
		}

		@Override
		public PermitDecision acquire(PermitRequest request) throws Exception {
			Object next = next(request);
			CountDownLatch entered;
			CountDownLatch release;
			synchronized (this) {
				entered = this.entered;
				release = this.release;
				this.entered = null;
				this.release = null;
			}
			if (entered != null) {
				entered.countDown();
				release.await();
			}
			if (next == NULL) {
				return null;
			}
			if (next instanceof Exception ex) {
				throw ex;
			}
			if (next instanceof Error error) {
				throw error;
			}
			return (PermitDecision) next;
		}

		@Override
		@SuppressWarnings("unchecked")
		public CompletionStage<PermitDecision> acquireAsync(PermitRequest request) {
			Object next = next(request);
			if (next instanceof CompletionStage<?> stage) {
				return (CompletionStage<PermitDecision>) stage;
			}
			throw new AssertionError("scripted a synchronous answer for an asynchronous request");
		}

	}

}
