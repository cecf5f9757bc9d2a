package dev.resilience.bulkhead;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.resilience.bulkhead.internal.SemaphoreBulkhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowable;

@Timeout(30)
class SemaphoreBulkheadTests {

	private static BulkheadConfig config(int maxConcurrentCalls, Duration maxWait) {
		return BulkheadConfig.custom().maxConcurrentCalls(maxConcurrentCalls).maxWaitDuration(maxWait).build();
	}

	private final Bulkhead bulkhead = Bulkhead.of("inventory", config(2, Duration.ZERO));

	private final List<String> rejections = new CopyOnWriteArrayList<>();

	private final BulkheadListener listener = new BulkheadListener() {

		@Override
		public void onCallRejected(String bulkheadName) {
			SemaphoreBulkheadTests.this.rejections.add(bulkheadName);
		}

	};

	@Test
	void refusesAThreadPoolConfiguration() {
		BulkheadConfig threadPool = BulkheadConfig.custom().type(BulkheadConfig.Type.THREAD_POOL).build();
		assertThatIllegalArgumentException().isThrownBy(() -> new SemaphoreBulkhead("inventory", threadPool))
			.withMessage("Bulkhead 'inventory' needs a configuration of type SEMAPHORE but got THREAD_POOL; "
					+ "Bulkhead.of creates the kind a configuration names");
	}

	@Test
	void exposesNameConfigAndMetrics() {
		assertThat(this.bulkhead.getName()).isEqualTo("inventory");
		assertThat(this.bulkhead.getConfig().getMaxConcurrentCalls()).isEqualTo(2);
		assertThat(this.bulkhead.getMetrics().getMaxAllowedConcurrentCalls()).isEqualTo(2);
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
		assertThat(this.bulkhead.getMetrics().getNumberOfRejectedCalls()).isZero();
	}

	@Test
	void refusesWithoutWaitingOnceEveryPermitIsTakenAndCountsTheRefusal() {
		this.bulkhead.addListener(this.listener);
		assertThat(this.bulkhead.tryAcquirePermission()).isTrue();
		assertThat(this.bulkhead.tryAcquirePermission()).isTrue();
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
		assertThat(this.bulkhead.tryAcquirePermission()).isFalse();
		assertThat(this.bulkhead.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
		assertThat(this.rejections).containsExactly("inventory");
		this.bulkhead.releasePermission();
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
		assertThat(this.bulkhead.tryAcquirePermission()).isTrue();
	}

	@Test
	void acquirePermissionThrowsNamingTheLimitAndTheWait() {
		this.bulkhead.acquirePermission();
		this.bulkhead.acquirePermission();
		assertThatExceptionOfType(BulkheadFullException.class).isThrownBy(this.bulkhead::acquirePermission)
			.withMessage("Bulkhead 'inventory' is full: 2 concurrent calls in flight, waited 0ms")
			.satisfies((ex) -> assertThat(ex.getInstanceName()).isEqualTo("inventory"));
	}

	@Test
	void refusesToReleaseMorePermitsThanItHas() {
		this.bulkhead.acquirePermission();
		this.bulkhead.releasePermission();
		assertThatIllegalStateException().isThrownBy(this.bulkhead::releasePermission)
			.withMessage("Bulkhead 'inventory' got a permit back while all 2 were available: "
					+ "a permit was released twice or never acquired");
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void removedListenerIsNoLongerTold() {
		this.bulkhead.addListener(this.listener);
		this.bulkhead.removeListener(this.listener);
		this.bulkhead.acquirePermission();
		this.bulkhead.acquirePermission();
		assertThat(this.bulkhead.tryAcquirePermission()).isFalse();
		assertThat(this.rejections).isEmpty();
		assertThat(this.bulkhead.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
	}

	@Test
	void aFailingListenerChangesNeitherTheOutcomeNorTheOtherListeners() {
		this.bulkhead.addListener(new BulkheadListener() {

			@Override
			public void onCallRejected(String bulkheadName) {
				throw new IllegalStateException("listener bug");
			}

		});
		this.bulkhead.addListener(this.listener);
		this.bulkhead.acquirePermission();
		this.bulkhead.acquirePermission();
		assertThatExceptionOfType(BulkheadFullException.class).isThrownBy(this.bulkhead::acquirePermission);
		assertThat(this.rejections).containsExactly("inventory");
	}

	@Test
	void executeReturnsTheResultAndThePermit() throws Throwable {
		String result = this.bulkhead.execute((argument) -> {
			assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
			return argument + "!";
		}, "done");
		assertThat(result).isEqualTo("done!");
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void executeRethrowsTheSameExceptionAndReturnsThePermit() {
		IOException failure = new IOException("down");
		Throwable thrown = catchThrowable(() -> this.bulkhead.execute((argument) -> {
			throw failure;
		}, null));
		assertThat(thrown).isSameAs(failure);
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void executeDoesNotRunTheCallWhenFull() {
		this.bulkhead.acquirePermission();
		this.bulkhead.acquirePermission();
		AtomicBoolean ran = new AtomicBoolean();
		assertThatExceptionOfType(BulkheadFullException.class)
			.isThrownBy(() -> this.bulkhead.executeSupplier(() -> ran.getAndSet(true)));
		assertThat(ran).isFalse();
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
	}

	@Test
	void supplierAndCallableVariantsReturnThePermit() throws Exception {
		assertThat(this.bulkhead.executeSupplier(() -> "supplied")).isEqualTo("supplied");
		assertThat(this.bulkhead.executeCallable(() -> "called")).isEqualTo("called");
		Throwable thrown = catchThrowable(() -> this.bulkhead.executeCallable(() -> {
			throw new IOException("checked");
		}));
		assertThat(thrown).isInstanceOf(IOException.class).hasMessage("checked");
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void asyncCallHoldsThePermitUntilItsStageSucceeds() {
		CompletableFuture<String> inner = new CompletableFuture<>();
		CompletionStage<String> result = this.bulkhead.executeCompletionStage(() -> inner);
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
		inner.complete("value");
		assertThat(result.toCompletableFuture().join()).isEqualTo("value");
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void asyncCallReturnsThePermitWhenItsStageFails() {
		CompletableFuture<String> inner = new CompletableFuture<>();
		CompletionStage<String> result = this.bulkhead.executeAsync((argument) -> inner, null);
		IllegalStateException failure = new IllegalStateException("async failure");
		inner.completeExceptionally(failure);
		assertThat(catchThrowable(() -> result.toCompletableFuture().join())).hasCauseReference(failure);
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void cancellingTheReturnedFutureKeepsThePermitAndLeavesTheStageAlone() {
		// docs/bulkhead.md: the call is in flight until its own stage completes, whatever
		// the caller does.
		CompletableFuture<String> inner = new CompletableFuture<>();
		CompletableFuture<String> result = this.bulkhead.executeCompletionStage(() -> inner).toCompletableFuture();
		assertThat(result.cancel(true)).isTrue();
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
		assertThat(inner.isCancelled()).isFalse();
		inner.complete("late");
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void aStageCompletingAfterCancellationReturnsThePermitOnce() {
		CompletableFuture<String> other = new CompletableFuture<>();
		this.bulkhead.executeCompletionStage(() -> other);
		CompletableFuture<String> inner = new CompletableFuture<>();
		CompletableFuture<String> result = this.bulkhead.executeCompletionStage(() -> inner).toCompletableFuture();
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
		result.cancel(true);
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isZero();
		inner.complete("late");
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
		assertThat(result.isCancelled()).isTrue();
	}

	@Test
	void cancellingAfterCompletionChangesNothing() {
		CompletableFuture<String> result = this.bulkhead
			.executeCompletionStage(() -> CompletableFuture.completedFuture("done"))
			.toCompletableFuture();
		assertThat(result.cancel(true)).isFalse();
		assertThat(result.join()).isEqualTo("done");
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void asyncCallThrowingSynchronouslyGivesAFailedStageAndReturnsThePermit() {
		IOException failure = new IOException("sync");
		CompletionStage<String> result = this.bulkhead.executeAsync((argument) -> {
			throw failure;
		}, null);
		assertThat(catchThrowable(() -> result.toCompletableFuture().join())).hasCauseReference(failure);
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void asyncCallReturningNullGivesAFailedStageAndReturnsThePermit() {
		CompletionStage<String> result = this.bulkhead.executeAsync((argument) -> null, null);
		assertThat(catchThrowable(() -> result.toCompletableFuture().join())).isInstanceOf(CompletionException.class)
			.hasCauseInstanceOf(NullPointerException.class)
			.hasRootCauseMessage("Call in bulkhead 'inventory' returned null instead of a CompletionStage");
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void refusedAsyncCallGivesAFailedStageWithoutRunning() {
		this.bulkhead.addListener(this.listener);
		this.bulkhead.acquirePermission();
		this.bulkhead.acquirePermission();
		AtomicBoolean ran = new AtomicBoolean();
		CompletionStage<String> result = this.bulkhead.executeCompletionStage(() -> {
			ran.set(true);
			return CompletableFuture.completedFuture("no");
		});
		assertThat(catchThrowable(() -> result.toCompletableFuture().join()))
			.hasCauseInstanceOf(BulkheadFullException.class);
		assertThat(ran).isFalse();
		assertThat(this.bulkhead.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
		assertThat(this.rejections).containsExactly("inventory");
	}

	@Test
	void cancellationOfTheInnerStageReachesTheCaller() {
		CompletableFuture<String> inner = new CompletableFuture<>();
		CompletableFuture<String> result = this.bulkhead.executeCompletionStage(() -> inner).toCompletableFuture();
		inner.cancel(true);
		assertThat(catchThrowable(result::join)).isInstanceOf(CancellationException.class);
		assertThat(this.bulkhead.getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
	}

	@Test
	void waitingCallerGetsThePermitReleasedDuringItsWait() throws Exception {
		Bulkhead waiting = Bulkhead.of("waiting", config(1, Duration.ofHours(1)));
		waiting.acquirePermission();
		AtomicBoolean acquired = new AtomicBoolean();
		Thread waiter = new Thread(() -> acquired.set(waiting.tryAcquirePermission()));
		waiter.start();
		while (waiter.getState() != Thread.State.TIMED_WAITING) {
			assertThat(waiter.isAlive()).as("waiter ended before waiting").isTrue();
			Thread.onSpinWait();
		}
		waiting.releasePermission();
		waiter.join();
		assertThat(acquired).isTrue();
		assertThat(waiting.getMetrics().getAvailableConcurrentCalls()).isZero();
		assertThat(waiting.getMetrics().getNumberOfRejectedCalls()).isZero();
	}

	@Test
	void aWaitTooLongToCountInMillisecondsIsAcceptedAndWaitsForTheNextRelease() throws Exception {
		Bulkhead waiting = Bulkhead.of("forever", config(1, Duration.ofSeconds(Long.MAX_VALUE)));
		waiting.acquirePermission();
		AtomicBoolean acquired = new AtomicBoolean();
		Thread waiter = new Thread(() -> acquired.set(waiting.tryAcquirePermission()));
		waiter.start();
		while (waiter.getState() != Thread.State.TIMED_WAITING) {
			assertThat(waiter.isAlive()).as("waiter ended before waiting").isTrue();
			Thread.onSpinWait();
		}
		waiting.releasePermission();
		waiter.join();
		assertThat(acquired).isTrue();
		assertThat(waiting.getMetrics().getNumberOfRejectedCalls()).isZero();
	}

	@Test
	void refusesAfterTheWaitRunsOutAndNamesTheWait() {
		Bulkhead waiting = Bulkhead.of("waiting", config(1, Duration.ofMillis(5)));
		waiting.acquirePermission();
		assertThatExceptionOfType(BulkheadFullException.class).isThrownBy(waiting::acquirePermission)
			.withMessage("Bulkhead 'waiting' is full: 1 concurrent calls in flight, waited 5ms");
		assertThat(waiting.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
	}

	@Test
	void interruptedWaitIsARefusalAndKeepsTheInterruptFlag() {
		Bulkhead waiting = Bulkhead.of("waiting", config(1, Duration.ofHours(1)));
		waiting.acquirePermission();
		Thread.currentThread().interrupt();
		boolean acquired = waiting.tryAcquirePermission();
		assertThat(Thread.interrupted()).isTrue();
		assertThat(acquired).isFalse();
		assertThat(waiting.getMetrics().getNumberOfRejectedCalls()).isEqualTo(1);
	}

	@Test
	void takesAFreePermitWithoutWaitingEvenWhenInterrupted() {
		Bulkhead waiting = Bulkhead.of("waiting", config(1, Duration.ofHours(1)));
		Thread.currentThread().interrupt();
		boolean acquired = waiting.tryAcquirePermission();
		assertThat(Thread.interrupted()).isTrue();
		assertThat(acquired).isTrue();
	}

}
