package dev.resilience.circuitbreaker.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Function;

import dev.resilience.CheckedFunction;
import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.circuitbreaker.CircuitBreakerListener;

/**
 * The {@link CircuitBreaker} implementation. Each state entered is a new state object held in an
 * {@link AtomicReference}; a transition replaces it by compare-and-set against the object it was
 * decided on, so racing decisions (many threads crossing a threshold, a manual transition during
 * a call) make one transition, announced once by the thread that won. Each state object owns its
 * counts, which is what gives every transition a fresh window.
 * <p>
 * An admitted call is tied to the state object that admitted it: a closed state admits with
 * itself, a half-open state with a one-use trial permit. An outcome goes to that state object and
 * is dropped once it is no longer current, so a late call never counts as a trial call of a later
 * half-open state nor lands in a later window, and an ignored trial call gives its permit back
 * only to the half-open state that handed it out.
 * <p>
 * The closed-state fast path (permission, call, success) reads the state once and allocates
 * nothing: recording into a window holds its lock for a few plain writes (a lock-free window
 * gave verdicts that no order of the calls would give). Strings (transition reasons, exception
 * messages) are built only on transitions and refusals.
 */
public final class CircuitBreakerStateMachine implements CircuitBreaker {

	private static final int MAX_CAUSE_DEPTH = 32;

	private final String name;

	private final CircuitBreakerConfig config;

	private final Ticker ticker;

	private final long slowCallDurationNanos;

	private final long waitDurationNanos;

	/** 0 when a half-open breaker waits for its trial calls however long they take. */
	private final long maxWaitInHalfOpenNanos;

	private final int permittedTrialCalls;

	private final int consecutiveFailureThreshold;

	private final Class<?>[] recordExceptions;

	private final Class<?>[] ignoreExceptions;

	private final Thresholds windowThresholds;

	private final Thresholds trialThresholds;

	private final String waitElapsedReason;

	private final String consecutiveFailuresReason;

	private final String maxWaitInHalfOpenReason;

	private final AtomicReference<StateObject> state;

	private final LongAdder notPermittedCalls = new LongAdder();

	private final Listeners listeners = new Listeners();

	private final Metrics metrics = new LiveMetrics();

	private final StateObject forcedOpen = new ForcedOpenState();

	private final StateObject disabled = new DisabledState();

	public CircuitBreakerStateMachine(String name, CircuitBreakerConfig config, Ticker ticker) {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("circuit breaker name must not be null or blank but was '" + name + "'");
		}
		if (config == null) {
			throw new IllegalArgumentException("config of circuit breaker '" + name + "' must not be null");
		}
		if (ticker == null) {
			throw new IllegalArgumentException("ticker of circuit breaker '" + name + "' must not be null");
		}
		this.name = name;
		this.config = config;
		this.ticker = ticker;
		this.slowCallDurationNanos = saturatedNanos(config.getSlowCallDurationThreshold());
		this.waitDurationNanos = saturatedNanos(config.getWaitDurationInOpenState());
		this.maxWaitInHalfOpenNanos = saturatedNanos(config.getMaxWaitDurationInHalfOpenState());
		this.permittedTrialCalls = config.getPermittedNumberOfCallsInHalfOpenState();
		this.consecutiveFailureThreshold = config.getConsecutiveFailureThreshold();
		this.recordExceptions = toArray(config.getRecordExceptions());
		this.ignoreExceptions = toArray(config.getIgnoreExceptions());
		this.windowThresholds = new Thresholds(config.getMinimumNumberOfCalls(), config.getFailureRateThreshold(),
				config.getSlowCallRateThreshold());
		this.trialThresholds = new Thresholds(this.permittedTrialCalls, config.getFailureRateThreshold(),
				config.getSlowCallRateThreshold());
		this.waitElapsedReason = "wait duration " + Thresholds.format(config.getWaitDurationInOpenState())
				+ " elapsed";
		this.consecutiveFailuresReason = this.consecutiveFailureThreshold + " consecutive failures";
		this.maxWaitInHalfOpenReason = "max wait duration in half-open state "
				+ Thresholds.format(config.getMaxWaitDurationInHalfOpenState()) + " elapsed";
		this.state = new AtomicReference<>(new ClosedState());
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public CircuitBreakerConfig getConfig() {
		return this.config;
	}

	@Override
	public State getState() {
		return current().state;
	}

	@Override
	public Metrics getMetrics() {
		return this.metrics;
	}

	@Override
	public boolean tryAcquirePermission() {
		StateObject current = current();
		if (current.tryAcquirePermission()) {
			return true;
		}
		countRefusal();
		return false;
	}

	@Override
	public void acquirePermission() {
		StateObject current = current();
		if (!current.tryAcquirePermission()) {
			throw refusal(current);
		}
	}

	@Override
	public Permission tryAdmit() {
		StateObject current = current();
		Admission admission = current.admit();
		if (admission == null) {
			countRefusal();
		}
		return admission;
	}

	@Override
	public void releasePermission() {
		this.state.get().release();
	}

	@Override
	public void onSuccess(long durationNanos) {
		this.state.get().onSuccess(durationNanos);
	}

	@Override
	public void onError(long durationNanos, Throwable error) {
		this.state.get().onError(durationNanos, error);
	}

	private CallOutcome successOutcome(long durationNanos) {
		return (durationNanos >= this.slowCallDurationNanos) ? CallOutcome.SLOW_SUCCESS : CallOutcome.SUCCESS;
	}

	private CallOutcome errorOutcome(long durationNanos, Throwable error) {
		if (error == null) {
			throw new NullPointerException("error of a call recorded by circuit breaker '" + this.name
					+ "' must not be null; use onSuccess for a call that did not fail");
		}
		Throwable cause = unwrap(error);
		if (isInstanceOfAny(cause, this.ignoreExceptions)) {
			return CallOutcome.IGNORED;
		}
		boolean failure = this.recordExceptions.length == 0 || isInstanceOfAny(cause, this.recordExceptions);
		boolean slow = durationNanos >= this.slowCallDurationNanos;
		if (failure) {
			return slow ? CallOutcome.SLOW_FAILURE : CallOutcome.FAILURE;
		}
		return slow ? CallOutcome.SLOW_SUCCESS : CallOutcome.SUCCESS;
	}

	@Override
	public <A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable {
		if (call == null) {
			throw new NullPointerException("call protected by circuit breaker '" + this.name + "' must not be null");
		}
		StateObject current = current();
		Admission admission = current.admit();
		if (admission == null) {
			throw refusal(current);
		}
		long start = this.ticker.read();
		T result;
		try {
			result = call.apply(argument);
		}
		catch (Throwable ex) {
			admission.onError(this.ticker.read() - start, ex);
			throw ex;
		}
		admission.onSuccess(this.ticker.read() - start);
		return result;
	}

	@Override
	public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
			A argument) {
		if (call == null) {
			throw new NullPointerException("call protected by circuit breaker '" + this.name + "' must not be null");
		}
		StateObject current = current();
		Admission admission = current.admit();
		if (admission == null) {
			return CompletableFuture.failedFuture(refusal(current));
		}
		long start = this.ticker.read();
		CompletionStage<T> stage;
		try {
			stage = call.apply(argument);
		}
		catch (Throwable ex) {
			admission.onError(this.ticker.read() - start, ex);
			return CompletableFuture.failedFuture(ex);
		}
		if (stage == null) {
			NullPointerException ex = new NullPointerException(
					"asynchronous call protected by circuit breaker '" + this.name + "' returned a null stage");
			admission.onError(this.ticker.read() - start, ex);
			return CompletableFuture.failedFuture(ex);
		}
		AsyncOutcomeRecorder<T> recorder = new AsyncOutcomeRecorder<>(this.ticker, admission, start);
		CompletionStage<T> recorded;
		try {
			recorded = stage.whenComplete(recorder);
		}
		catch (Throwable broken) {
			// A stage that takes no callback would never end the admission: a trial permit would
			// stay out for good. The call is over as far as the breaker can tell, and it failed.
			recorder.accept(null, broken);
			return CompletableFuture.failedFuture(broken);
		}
		// The caller gets a stage of its own: a dependent completed or cancelled by its holder skips
		// its action, so handing out the recording stage itself would let a caller's cancel, complete
		// or timeout keep the outcome from ever being recorded, and a trial permit from coming back.
		return recorded.thenApply(Function.identity());
	}

	@Override
	public void transitionToClosedState() {
		transitionManually(State.CLOSED);
	}

	@Override
	public void transitionToOpenState() {
		transitionManually(State.OPEN);
	}

	@Override
	public void transitionToHalfOpenState() {
		transitionManually(State.HALF_OPEN);
	}

	@Override
	public void transitionToForcedOpenState() {
		transitionManually(State.FORCED_OPEN);
	}

	@Override
	public void transitionToDisabledState() {
		transitionManually(State.DISABLED);
	}

	@Override
	public void reset() {
		StateObject from = this.state.getAndSet(new ClosedState());
		this.notPermittedCalls.reset();
		if (from.state != State.CLOSED) {
			this.listeners.stateTransition(this, from.state, State.CLOSED, "reset");
		}
	}

	@Override
	public void addListener(CircuitBreakerListener listener) {
		if (listener == null) {
			throw new IllegalArgumentException("listener of circuit breaker '" + this.name + "' must not be null");
		}
		this.listeners.add(listener);
	}

	@Override
	public void removeListener(CircuitBreakerListener listener) {
		this.listeners.remove(listener);
	}

	@Override
	public String toString() {
		return "CircuitBreaker '" + this.name + "' " + this.state.get().state;
	}

	/**
	 * The current state object, after the transition its timer calls for: an open one whose wait
	 * has elapsed turns half-open, a half-open one past its max wait reopens. One step is enough,
	 * since the state entered starts its own timer now.
	 */
	private StateObject current() {
		StateObject current = this.state.get();
		if (current.state == State.OPEN && ((OpenState) current).waitElapsed()) {
			transition(current, new HalfOpenState(), this.waitElapsedReason);
			current = this.state.get();
		}
		else if (current.state == State.HALF_OPEN && ((HalfOpenState) current).maxWaitElapsed()) {
			((HalfOpenState) current).reopenAfterMaxWait();
			current = this.state.get();
		}
		return current;
	}

	private void countRefusal() {
		this.notPermittedCalls.increment();
		this.listeners.callRecorded(this, CallOutcome.NOT_PERMITTED, 0);
	}

	private CallNotPermittedException refusal(StateObject refusing) {
		countRefusal();
		return new CallNotPermittedException(this.name, refusing.state.name());
	}

	private boolean transition(StateObject from, StateObject to, String reason) {
		if (!this.state.compareAndSet(from, to)) {
			return false;
		}
		this.listeners.stateTransition(this, from.state, to.state, reason);
		return true;
	}

	private void transitionManually(State target) {
		for (;;) {
			StateObject from = this.state.get();
			if (from.state == target) {
				return;
			}
			if (transition(from, newState(target, from), "manual")) {
				return;
			}
		}
	}

	private StateObject newState(State target, StateObject from) {
		return switch (target) {
			case CLOSED -> new ClosedState();
			case OPEN -> new OpenState(from.counts());
			case HALF_OPEN -> new HalfOpenState();
			case FORCED_OPEN -> this.forcedOpen;
			case DISABLED -> this.disabled;
		};
	}

	private SlidingWindow newWindow() {
		return switch (this.config.getSlidingWindowType()) {
			case COUNT_BASED -> new CountBasedSlidingWindow(this.config.getSlidingWindowSize(), this.windowThresholds);
			case TIME_BASED -> new TimeBasedSlidingWindow(this.config.getSlidingWindowSize(), this.windowThresholds,
					this.ticker);
		};
	}

	private static Throwable unwrap(Throwable error) {
		Throwable current = error;
		for (int depth = 0; depth < MAX_CAUSE_DEPTH
				&& (current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null; depth++) {
			current = current.getCause();
		}
		return current;
	}

	private static boolean isInstanceOfAny(Throwable error, Class<?>[] types) {
		for (Class<?> type : types) {
			if (type.isInstance(error)) {
				return true;
			}
		}
		return false;
	}

	private static Class<?>[] toArray(List<Class<? extends Throwable>> types) {
		return types.toArray(new Class<?>[0]);
	}

	private static long saturatedNanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	/**
	 * Records the outcome of an asynchronous call when the stage the call itself returned
	 * completes: what the caller does to the stage it was handed (cancel, complete, time out) ends
	 * neither the call nor its admission.
	 */
	private static final class AsyncOutcomeRecorder<T> implements BiConsumer<T, Throwable> {

		@SuppressWarnings("rawtypes")
		private static final AtomicIntegerFieldUpdater<AsyncOutcomeRecorder> ENDED = AtomicIntegerFieldUpdater
			.newUpdater(AsyncOutcomeRecorder.class, "ended");

		private volatile int ended;

		private final Ticker ticker;

		private final Admission admission;

		private final long start;

		AsyncOutcomeRecorder(Ticker ticker, Admission admission, long start) {
			this.ticker = ticker;
			this.admission = admission;
			this.start = start;
		}

		@Override
		public void accept(T result, Throwable error) {
			if (!ENDED.compareAndSet(this, 0, 1)) {
				// A custom stage reporting twice, or one that refused the callback after taking it.
				return;
			}
			long duration = this.ticker.read() - this.start;
			if (error != null) {
				this.admission.onError(duration, error);
			}
			else {
				this.admission.onSuccess(duration);
			}
		}

	}

	/**
	 * A call admitted by one state: its outcome is recorded there, or its permit given back there,
	 * never in a state entered since. Listeners hear of every outcome, also of one that is dropped
	 * because its state is gone: the call did happen.
	 */
	private abstract class Admission implements Permission {

		@Override
		public final void onSuccess(long durationNanos) {
			complete(successOutcome(durationNanos), durationNanos);
		}

		@Override
		public final void onError(long durationNanos, Throwable error) {
			complete(errorOutcome(durationNanos, error), durationNanos);
		}

		private void complete(CallOutcome outcome, long durationNanos) {
			// Recorded even when a listener throws an Error, so that a trial permit is never lost.
			try {
				CircuitBreakerStateMachine.this.listeners.callRecorded(CircuitBreakerStateMachine.this, outcome,
						durationNanos);
			}
			finally {
				if (outcome == CallOutcome.IGNORED) {
					release();
				}
				else {
					record(outcome);
				}
			}
		}

		/** Counts a success or failure in the admitting state, if it is still current. */
		abstract void record(CallOutcome outcome);

	}

	/**
	 * One state entered; identity matters, since transitions compare-and-set against it. A state
	 * that admits without a per-call permit (closed, disabled) is itself the admission of its calls.
	 */
	private abstract class StateObject extends Admission {

		final State state;

		StateObject(State state) {
			this.state = state;
		}

		abstract boolean tryAcquirePermission();

		/** This state's admission of one call, or {@code null} when it refuses. */
		Admission admit() {
			return tryAcquirePermission() ? this : null;
		}

		@Override
		public void release() {
		}

		@Override
		void record(CallOutcome outcome) {
		}

		CallCounts counts() {
			return CallCounts.NONE;
		}

	}

	private final class ClosedState extends StateObject {

		private final SlidingWindow window = newWindow();

		private final AtomicInteger consecutiveFailures = new AtomicInteger();

		ClosedState() {
			super(State.CLOSED);
		}

		@Override
		boolean tryAcquirePermission() {
			return true;
		}

		@Override
		void record(CallOutcome outcome) {
			if (CircuitBreakerStateMachine.this.state.get() != this) {
				// This window is gone: the breaker opened, or was reset or moved by hand since.
				return;
			}
			String reason = this.window.record(outcome);
			if (reason == null && consecutiveFailuresReached(this.consecutiveFailures, outcome)) {
				reason = CircuitBreakerStateMachine.this.consecutiveFailuresReason;
			}
			if (reason != null && CircuitBreakerStateMachine.this.state.get() == this) {
				transition(this, new OpenState(this.window), reason);
			}
		}

		@Override
		CallCounts counts() {
			return this.window;
		}

	}

	private final class OpenState extends StateObject {

		private final long openedAt = CircuitBreakerStateMachine.this.ticker.read();

		/** The counts that opened the breaker, kept for the metrics only. */
		private final CallCounts counts;

		OpenState(CallCounts counts) {
			super(State.OPEN);
			this.counts = counts;
		}

		boolean waitElapsed() {
			return CircuitBreakerStateMachine.this.ticker.read() - this.openedAt >= CircuitBreakerStateMachine.this.waitDurationNanos;
		}

		@Override
		boolean tryAcquirePermission() {
			return false;
		}

		@Override
		CallCounts counts() {
			return this.counts;
		}

	}

	private final class HalfOpenState extends StateObject {

		private final long enteredAt = CircuitBreakerStateMachine.this.ticker.read();

		private final TrialCalls trialCalls = new TrialCalls(CircuitBreakerStateMachine.this.permittedTrialCalls,
				CircuitBreakerStateMachine.this.trialThresholds);

		private final AtomicInteger consecutiveFailures = new AtomicInteger();

		HalfOpenState() {
			super(State.HALF_OPEN);
		}

		@Override
		boolean tryAcquirePermission() {
			return this.trialCalls.tryAcquire();
		}

		@Override
		Admission admit() {
			return this.trialCalls.tryAcquire() ? new TrialPermit(this) : null;
		}

		@Override
		public void release() {
			if (CircuitBreakerStateMachine.this.state.get() == this) {
				this.trialCalls.release();
			}
		}

		boolean maxWaitElapsed() {
			long maxWait = CircuitBreakerStateMachine.this.maxWaitInHalfOpenNanos;
			return maxWait > 0 && CircuitBreakerStateMachine.this.ticker.read() - this.enteredAt >= maxWait;
		}

		void reopenAfterMaxWait() {
			transition(this, new OpenState(this.trialCalls), CircuitBreakerStateMachine.this.maxWaitInHalfOpenReason);
		}

		@Override
		void record(CallOutcome outcome) {
			if (CircuitBreakerStateMachine.this.state.get() != this) {
				return;
			}
			if (maxWaitElapsed()) {
				// The breaker gave up on its trial calls: one ending now is late, and reopens it.
				reopenAfterMaxWait();
				return;
			}
			long packed = this.trialCalls.record(outcome);
			if (packed == TrialCalls.FULL) {
				return;
			}
			if (consecutiveFailuresReached(this.consecutiveFailures, outcome)) {
				transition(this, new OpenState(this.trialCalls), CircuitBreakerStateMachine.this.consecutiveFailuresReason);
				return;
			}
			int buffered = PackedCounts.buffered(packed);
			if (buffered < CircuitBreakerStateMachine.this.permittedTrialCalls) {
				return;
			}
			int failed = PackedCounts.failed(packed);
			int slow = PackedCounts.slow(packed);
			Thresholds thresholds = CircuitBreakerStateMachine.this.trialThresholds;
			String reason = thresholds.trialReason(buffered, failed, slow);
			StateObject next = thresholds.reached(buffered, failed, slow) ? new OpenState(this.trialCalls)
					: new ClosedState();
			transition(this, next, reason);
		}

		@Override
		CallCounts counts() {
			return this.trialCalls;
		}

	}

	/** One trial call of one half-open state; ends once, by an outcome or by giving the permit back. */
	private final class TrialPermit extends Admission {

		private final HalfOpenState admittedBy;

		private final AtomicBoolean ended = new AtomicBoolean();

		TrialPermit(HalfOpenState admittedBy) {
			this.admittedBy = admittedBy;
		}

		@Override
		void record(CallOutcome outcome) {
			if (this.ended.compareAndSet(false, true)) {
				this.admittedBy.record(outcome);
			}
		}

		@Override
		public void release() {
			if (this.ended.compareAndSet(false, true)) {
				this.admittedBy.release();
			}
		}

	}

	private boolean consecutiveFailuresReached(AtomicInteger consecutiveFailures, CallOutcome outcome) {
		if (this.consecutiveFailureThreshold == 0) {
			return false;
		}
		if (outcome.isFailure()) {
			return consecutiveFailures.incrementAndGet() >= this.consecutiveFailureThreshold;
		}
		// Skip the write when already zero: successes are the common case and the line is shared.
		if (consecutiveFailures.get() != 0) {
			consecutiveFailures.set(0);
		}
		return false;
	}

	private final class ForcedOpenState extends StateObject {

		ForcedOpenState() {
			super(State.FORCED_OPEN);
		}

		@Override
		boolean tryAcquirePermission() {
			return false;
		}

	}

	private final class DisabledState extends StateObject {

		DisabledState() {
			super(State.DISABLED);
		}

		@Override
		boolean tryAcquirePermission() {
			return true;
		}

	}

	private final class LiveMetrics implements Metrics {

		@Override
		public float getFailureRate() {
			return CircuitBreakerStateMachine.this.state.get().counts().failureRate();
		}

		@Override
		public float getSlowCallRate() {
			return CircuitBreakerStateMachine.this.state.get().counts().slowCallRate();
		}

		@Override
		public int getNumberOfBufferedCalls() {
			return saturatedInt(CircuitBreakerStateMachine.this.state.get().counts().bufferedCalls());
		}

		@Override
		public int getNumberOfFailedCalls() {
			return saturatedInt(CircuitBreakerStateMachine.this.state.get().counts().failedCalls());
		}

		@Override
		public int getNumberOfSlowCalls() {
			return saturatedInt(CircuitBreakerStateMachine.this.state.get().counts().slowCalls());
		}

		@Override
		public int getNumberOfSuccessfulCalls() {
			CallCounts counts = CircuitBreakerStateMachine.this.state.get().counts();
			long failed = counts.failedCalls();
			return saturatedInt(Math.max(0, counts.bufferedCalls() - failed));
		}

		@Override
		public long getNumberOfNotPermittedCalls() {
			return CircuitBreakerStateMachine.this.notPermittedCalls.sum();
		}

		private static int saturatedInt(long value) {
			return (int) Math.min(Integer.MAX_VALUE, value);
		}

		@Override
		public String toString() {
			return "Metrics[failureRate=" + getFailureRate() + ", slowCallRate=" + getSlowCallRate() + ", bufferedCalls="
					+ getNumberOfBufferedCalls() + ", failedCalls=" + getNumberOfFailedCalls() + ", notPermittedCalls="
					+ getNumberOfNotPermittedCalls() + "]";
		}

	}

}
