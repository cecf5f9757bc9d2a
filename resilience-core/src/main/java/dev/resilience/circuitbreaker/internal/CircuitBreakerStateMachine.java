package dev.resilience.circuitbreaker.internal;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import dev.resilience.CheckedFunction;
import dev.resilience.Ticker;
import dev.resilience.circuitbreaker.CallNotPermittedException;
import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.circuitbreaker.CircuitBreaker;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.circuitbreaker.CircuitBreakerListener;
import dev.resilience.internal.ListenerList;
import dev.resilience.internal.ListenerList.LongEvent;
import dev.resilience.internal.ListenerList.TriConsumer;

/**
 * The {@link CircuitBreaker} implementation: the holder of the current state, the
 * transitions between states, the listeners and the metrics view. Each state entered is a
 * new state object ({@link ClosedState}, {@link OpenState}, {@link HalfOpenState}; the
 * manual {@link ForcedOpenState} and {@link DisabledState} are one object each) held in
 * an {@link AtomicReference}; a transition replaces it by compare-and-set against the
 * object it was decided on, so racing decisions (many threads crossing a threshold, a
 * manual transition during a call) make one transition, announced once by the thread that
 * won. Each state object owns its counts, which is what gives every transition a fresh
 * window. States see the breaker only through a {@link BreakerContext};
 * {@link CircuitBreakerExecutor} runs the calls.
 * <p>
 * An admitted call is tied to the state object that admitted it: a closed state admits
 * with itself, a half-open state with a one-use trial permit. An outcome goes to that
 * state object and is dropped once it is no longer current, so a late call never counts
 * as a trial call of a later half-open state nor lands in a later window, and an ignored
 * trial call gives its permit back only to the half-open state that handed it out.
 * <p>
 * The closed-state fast path (permission, call, success) reads the state once and
 * allocates nothing: recording into a window holds its lock for a few plain writes (a
 * lock-free window gave verdicts that no order of the calls would give). Strings
 * (transition reasons, exception messages) are built only on transitions and refusals.
 */
public final class CircuitBreakerStateMachine implements CircuitBreaker {

	private static final System.Logger LOGGER = System.getLogger("dev.resilience.circuitbreaker");

	private static final LongEvent<CircuitBreakerListener, CircuitBreaker, CallOutcome> CALL_RECORDED = CircuitBreakerListener::onCallRecorded;

	private static final BiConsumer<CircuitBreakerListener, CircuitBreaker> CALL_NOT_PERMITTED = CircuitBreakerListener::onCallNotPermitted;

	private static final TriConsumer<CircuitBreakerListener, CircuitBreaker, Transition> STATE_TRANSITION = (listener,
			breaker,
			transition) -> listener.onStateTransition(breaker, transition.from(), transition.to(), transition.reason());

	private final String name;

	private final BreakerContext context;

	private final AtomicReference<BreakerState> state;

	private final LongAdder notPermittedCalls = new LongAdder();

	/** Serializes reconfigurations; never taken by a call. */
	private final ReentrantLock reconfiguring = new ReentrantLock();

	/** Every listener: told of transitions and refusals. */
	private final ListenerList<CircuitBreakerListener> listeners;

	/**
	 * The listeners that override {@link CircuitBreakerListener#onCallRecorded}: told of
	 * every call, so a listener that does not is never on the call path.
	 */
	private final ListenerList<CircuitBreakerListener> callListeners;

	private final Metrics metrics;

	private final CircuitBreakerExecutor executor;

	private final BreakerState forcedOpen;

	private final BreakerState disabled;

	public CircuitBreakerStateMachine(String name, CircuitBreakerConfig config, Ticker ticker) {
		BreakerSettings settings = new BreakerSettings(name, config);
		this.name = name;
		this.context = new Context(settings, ticker);
		this.listeners = new ListenerList<>(LOGGER, "CircuitBreaker '" + name + "'");
		this.callListeners = new ListenerList<>(LOGGER, "CircuitBreaker '" + name + "'");
		this.executor = new CircuitBreakerExecutor(this, ticker);
		this.forcedOpen = new ForcedOpenState(this.context);
		this.disabled = new DisabledState(this.context);
		this.state = new AtomicReference<>(new ClosedState(this.context));
		this.metrics = new BreakerMetrics(this.state, this.notPermittedCalls, this.context.totals,
				this.context.adaptiveSlowCall);
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public CircuitBreakerConfig getConfig() {
		return this.context.settings.config;
	}

	@Override
	public State getState() {
		return currentState().state;
	}

	@Override
	public Metrics getMetrics() {
		return this.metrics;
	}

	@Override
	public boolean tryAcquirePermission() {
		if (currentState().tryAcquirePermission()) {
			return true;
		}
		countRefusal();
		return false;
	}

	@Override
	public void acquirePermission() {
		BreakerState current = currentState();
		if (!current.tryAcquirePermission()) {
			throw refusal(current);
		}
	}

	@Override
	public Permission tryAdmit() {
		Admission admission = currentState().admit();
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

	@Override
	public <A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable {
		return this.executor.execute(call, argument);
	}

	@Override
	public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
			A argument) {
		return this.executor.executeAsync(call, argument);
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
		BreakerState from = this.state.getAndSet(new ClosedState(this.context));
		this.notPermittedCalls.reset();
		if (from.state != State.CLOSED) {
			announce(from.state, State.CLOSED, "reset");
		}
	}

	/**
	 * Serialized, so that two reconfigurations cannot interleave their settings and their
	 * window decisions. The settings are replaced first: every state made from now on,
	 * and every call ending from now on, uses them.
	 */
	@Override
	public void reconfigure(CircuitBreakerConfig config) {
		this.reconfiguring.lock();
		try {
			BreakerSettings next = new BreakerSettings(this.name, config);
			CircuitBreakerConfig previous = this.context.settings.config;
			if (!sameAdaptiveSlowCall(previous, config)) {
				throw new IllegalArgumentException("adaptive-slow-call settings of circuit breaker '" + this.name
						+ "' cannot change on a running breaker; they apply to a new one");
			}
			this.context.settings = next;
			for (;;) {
				BreakerState current = this.state.get();
				if (!(current instanceof ClosedState closed)) {
					// Open: waits by the new wait duration from when it opened.
					// Half-open:
					// finishes its trial by the settings it was entered with. Forced open
					// and disabled count nothing. The next state entered uses the new
					// settings.
					return;
				}
				if (closed.windowFits(next)) {
					closed.retune(next);
					return;
				}
				// A window of another shape cannot carry its counts over: the breaker
				// stays
				// closed with an empty window of the new shape. Calls in flight end
				// uncounted, as after any change of state.
				if (this.state.compareAndSet(closed, new ClosedState(this.context))) {
					return;
				}
			}
		}
		finally {
			this.reconfiguring.unlock();
		}
	}

	private static boolean sameAdaptiveSlowCall(CircuitBreakerConfig previous, CircuitBreakerConfig next) {
		if (previous.isAdaptiveSlowCallEnabled() != next.isAdaptiveSlowCallEnabled()) {
			return false;
		}
		return !next.isAdaptiveSlowCallEnabled()
				|| (previous.getAdaptiveSlowCallQuantile() == next.getAdaptiveSlowCallQuantile()
						&& previous.getAdaptiveSlowCallFactor() == next.getAdaptiveSlowCallFactor()
						&& previous.getAdaptiveSlowCallMinThreshold().equals(next.getAdaptiveSlowCallMinThreshold()));
	}

	@Override
	public void addListener(CircuitBreakerListener listener) {
		if (listener == null) {
			throw new IllegalArgumentException("listener of circuit breaker '" + this.name + "' must not be null");
		}
		if (hearsEveryCall(listener)) {
			this.callListeners.add(listener);
		}
		this.listeners.add(listener);
	}

	@Override
	public void removeListener(CircuitBreakerListener listener) {
		this.listeners.remove(listener);
		this.callListeners.remove(listener);
	}

	/**
	 * Whether {@code listener}'s class overrides
	 * {@link CircuitBreakerListener#onCallRecorded}. When it cannot tell, it says yes: a
	 * listener called for nothing costs time, one never called loses events.
	 */
	static boolean hearsEveryCall(CircuitBreakerListener listener) {
		try {
			return listener.getClass()
				.getMethod("onCallRecorded", CircuitBreaker.class, CallOutcome.class, long.class)
				.getDeclaringClass() != CircuitBreakerListener.class;
		}
		catch (NoSuchMethodException | RuntimeException ex) {
			return true;
		}
	}

	@Override
	public String toString() {
		return "CircuitBreaker '" + this.name + "' " + this.state.get().state;
	}

	/**
	 * The current state object, after the transition its timer calls for: an open one
	 * whose wait has elapsed turns half-open, a half-open one past its max wait reopens.
	 * One step is enough, since the state entered starts its own timer now.
	 */
	BreakerState currentState() {
		BreakerState current = this.state.get();
		if (current.state == State.OPEN && ((OpenState) current).waitElapsed()) {
			transition(current, new HalfOpenState(this.context), this.context.settings.waitElapsedReason);
			current = this.state.get();
		}
		else if (current.state == State.HALF_OPEN && ((HalfOpenState) current).maxWaitElapsed()) {
			((HalfOpenState) current).reopenAfterMaxWait();
			current = this.state.get();
		}
		return current;
	}

	/** Counts a refusal by {@code refusing} and returns the exception that reports it. */
	CallNotPermittedException refusal(BreakerState refusing) {
		countRefusal();
		return new CallNotPermittedException(this.name, refusing.state.name());
	}

	private void countRefusal() {
		this.notPermittedCalls.increment();
		this.context.totals.addRefusal();
		this.callListeners.fireWithLong(CALL_RECORDED, this, CallOutcome.NOT_PERMITTED, 0);
		this.listeners.fire(CALL_NOT_PERMITTED, this);
	}

	private boolean transition(BreakerState from, BreakerState to, String reason) {
		if (!this.state.compareAndSet(from, to)) {
			return false;
		}
		announce(from.state, to.state, reason);
		return true;
	}

	private void announce(State from, State to, String reason) {
		if (!this.listeners.isEmpty()) {
			this.listeners.fire(STATE_TRANSITION, this, new Transition(from, to, reason));
		}
	}

	private void transitionManually(State target) {
		for (;;) {
			BreakerState from = this.state.get();
			if (from.state == target) {
				return;
			}
			if (transition(from, newState(target, from), "manual")) {
				return;
			}
		}
	}

	private BreakerState newState(State target, BreakerState from) {
		return switch (target) {
			case CLOSED -> new ClosedState(this.context);
			case OPEN -> new OpenState(this.context, from.counts());
			case HALF_OPEN -> new HalfOpenState(this.context);
			case FORCED_OPEN -> this.forcedOpen;
			case DISABLED -> this.disabled;
		};
	}

	/** One transition as the listeners hear of it; made only when there are listeners. */
	private record Transition(State from, State to, String reason) {
	}

	/** The breaker as its states see it. */
	private final class Context extends BreakerContext {

		Context(BreakerSettings settings, Ticker ticker) {
			super(settings, ticker);
		}

		@Override
		boolean isCurrent(BreakerState state) {
			return CircuitBreakerStateMachine.this.state.get() == state;
		}

		@Override
		boolean transition(BreakerState from, BreakerState to, String reason) {
			return CircuitBreakerStateMachine.this.transition(from, to, reason);
		}

		@Override
		void callRecorded(CallOutcome outcome, long durationNanos) {
			CircuitBreakerStateMachine.this.callListeners.fireWithLong(CALL_RECORDED, CircuitBreakerStateMachine.this,
					outcome, durationNanos);
		}

	}

}
