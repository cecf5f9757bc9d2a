package dev.resilience.circuitbreaker.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

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
 * The closed-state fast path (permission, call, success) reads the state once, takes no lock and
 * allocates nothing: recording into a count-based window is three atomic operations, into a
 * time-based one four, plus a lock once per second to roll buckets over. Strings (transition
 * reasons, exception messages) are built only on transitions and refusals.
 */
public final class CircuitBreakerStateMachine implements CircuitBreaker {

	private static final int MAX_CAUSE_DEPTH = 32;

	private final String name;

	private final CircuitBreakerConfig config;

	private final Ticker ticker;

	private final long slowCallDurationNanos;

	private final long waitDurationNanos;

	private final int permittedTrialCalls;

	private final int consecutiveFailureThreshold;

	private final Class<?>[] recordExceptions;

	private final Class<?>[] ignoreExceptions;

	private final Thresholds windowThresholds;

	private final Thresholds trialThresholds;

	private final String waitElapsedReason;

	private final String consecutiveFailuresReason;

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
		return acquire() == null;
	}

	@Override
	public void acquirePermission() {
		State refusing = acquire();
		if (refusing != null) {
			throw new CallNotPermittedException(this.name, refusing.name());
		}
	}

	@Override
	public void releasePermission() {
		this.state.get().releasePermission();
	}

	@Override
	public void onSuccess(long durationNanos) {
		record((durationNanos >= this.slowCallDurationNanos) ? CallOutcome.SLOW_SUCCESS : CallOutcome.SUCCESS,
				durationNanos);
	}

	@Override
	public void onError(long durationNanos, Throwable error) {
		if (error == null) {
			throw new NullPointerException("error of a call recorded by circuit breaker '" + this.name
					+ "' must not be null; use onSuccess for a call that did not fail");
		}
		Throwable cause = unwrap(error);
		if (isInstanceOfAny(cause, this.ignoreExceptions)) {
			this.listeners.callRecorded(this, CallOutcome.IGNORED, durationNanos);
			this.state.get().releasePermission();
			return;
		}
		boolean failure = this.recordExceptions.length == 0 || isInstanceOfAny(cause, this.recordExceptions);
		boolean slow = durationNanos >= this.slowCallDurationNanos;
		CallOutcome outcome;
		if (failure) {
			outcome = slow ? CallOutcome.SLOW_FAILURE : CallOutcome.FAILURE;
		}
		else {
			outcome = slow ? CallOutcome.SLOW_SUCCESS : CallOutcome.SUCCESS;
		}
		record(outcome, durationNanos);
	}

	@Override
	public <A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable {
		if (call == null) {
			throw new NullPointerException("call protected by circuit breaker '" + this.name + "' must not be null");
		}
		acquirePermission();
		long start = this.ticker.read();
		T result;
		try {
			result = call.apply(argument);
		}
		catch (Throwable ex) {
			onError(this.ticker.read() - start, ex);
			throw ex;
		}
		onSuccess(this.ticker.read() - start);
		return result;
	}

	@Override
	public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
			A argument) {
		if (call == null) {
			throw new NullPointerException("call protected by circuit breaker '" + this.name + "' must not be null");
		}
		State refusing = acquire();
		if (refusing != null) {
			return CompletableFuture.failedFuture(new CallNotPermittedException(this.name, refusing.name()));
		}
		long start = this.ticker.read();
		CompletionStage<T> stage;
		try {
			stage = call.apply(argument);
		}
		catch (Throwable ex) {
			onError(this.ticker.read() - start, ex);
			return CompletableFuture.failedFuture(ex);
		}
		if (stage == null) {
			NullPointerException ex = new NullPointerException(
					"asynchronous call protected by circuit breaker '" + this.name + "' returned a null stage");
			onError(this.ticker.read() - start, ex);
			return CompletableFuture.failedFuture(ex);
		}
		return stage.whenComplete(new AsyncOutcomeRecorder<>(this, start));
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

	/** The current state object, after turning an open one whose wait has elapsed half-open. */
	private StateObject current() {
		StateObject current = this.state.get();
		if (current.state == State.OPEN && ((OpenState) current).waitElapsed()) {
			transition(current, new HalfOpenState(), this.waitElapsedReason);
			current = this.state.get();
		}
		return current;
	}

	/** {@code null} when permitted, otherwise the state that refused. */
	private State acquire() {
		StateObject current = current();
		if (current.tryAcquirePermission()) {
			return null;
		}
		this.notPermittedCalls.increment();
		this.listeners.callRecorded(this, CallOutcome.NOT_PERMITTED, 0);
		return current.state;
	}

	private void record(CallOutcome outcome, long durationNanos) {
		this.listeners.callRecorded(this, outcome, durationNanos);
		this.state.get().record(outcome);
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

	/** Records the outcome of an asynchronous call when its stage completes. */
	private static final class AsyncOutcomeRecorder<T> implements BiConsumer<T, Throwable> {

		private final CircuitBreakerStateMachine breaker;

		private final long start;

		AsyncOutcomeRecorder(CircuitBreakerStateMachine breaker, long start) {
			this.breaker = breaker;
			this.start = start;
		}

		@Override
		public void accept(T result, Throwable error) {
			long duration = this.breaker.ticker.read() - this.start;
			if (error != null) {
				this.breaker.onError(duration, error);
			}
			else {
				this.breaker.onSuccess(duration);
			}
		}

	}

	/** One state entered; identity matters, since transitions compare-and-set against it. */
	private abstract static class StateObject {

		final State state;

		StateObject(State state) {
			this.state = state;
		}

		abstract boolean tryAcquirePermission();

		void releasePermission() {
		}

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

		private final AtomicInteger permits = new AtomicInteger(CircuitBreakerStateMachine.this.permittedTrialCalls);

		private final TrialCalls trialCalls = new TrialCalls(CircuitBreakerStateMachine.this.permittedTrialCalls,
				CircuitBreakerStateMachine.this.trialThresholds);

		private final AtomicInteger consecutiveFailures = new AtomicInteger();

		HalfOpenState() {
			super(State.HALF_OPEN);
		}

		@Override
		boolean tryAcquirePermission() {
			for (;;) {
				int available = this.permits.get();
				if (available <= 0) {
					return false;
				}
				if (this.permits.compareAndSet(available, available - 1)) {
					return true;
				}
			}
		}

		@Override
		void releasePermission() {
			for (;;) {
				int available = this.permits.get();
				if (available >= CircuitBreakerStateMachine.this.permittedTrialCalls) {
					return;
				}
				if (this.permits.compareAndSet(available, available + 1)) {
					return;
				}
			}
		}

		@Override
		void record(CallOutcome outcome) {
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

	private static final class ForcedOpenState extends StateObject {

		ForcedOpenState() {
			super(State.FORCED_OPEN);
		}

		@Override
		boolean tryAcquirePermission() {
			return false;
		}

	}

	private static final class DisabledState extends StateObject {

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
