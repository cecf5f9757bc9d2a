package dev.resilience.chaos.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.chaos.Chaos;
import dev.resilience.chaos.ChaosConfig;
import dev.resilience.chaos.ChaosFault;
import dev.resilience.chaos.ChaosInjection;
import dev.resilience.chaos.ChaosListener;
import dev.resilience.internal.Durations;
import dev.resilience.internal.Failures;
import dev.resilience.internal.ListenerList;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * The {@link Chaos} instance: one volatile {@link ChaosConfig}, read once per call; with
 * nothing configured a call goes straight through and allocates nothing.
 */
public final class ChaosImpl implements Chaos, Chaos.Metrics {

	private static final System.Logger LOGGER = System.getLogger("dev.resilience.chaos");

	private final String name;

	private final Scheduler scheduler;

	private final ContextPropagator propagator;

	private final DoubleSupplier random;

	private final ListenerList<ChaosListener> listeners;

	private final LongAdder errors = new LongAdder();

	private final LongAdder latencies = new LongAdder();

	private volatile ChaosConfig config;

	public ChaosImpl(String name, ChaosConfig config, Scheduler scheduler, ContextPropagator propagator,
			DoubleSupplier random) {
		this.name = requireNonNull(name, "name");
		this.config = requireNonNull(config, "config");
		this.scheduler = requireNonNull(scheduler, "scheduler");
		this.propagator = requireNonNull(propagator, "propagator");
		this.random = requireNonNull(random, "random");
		this.listeners = new ListenerList<>(LOGGER, "Chaos '" + name + "'");
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public ChaosConfig getConfig() {
		return this.config;
	}

	@Override
	public void changeConfig(ChaosConfig config) {
		this.config = requireNonNull(config, "config");
	}

	@Override
	public Metrics getMetrics() {
		return this;
	}

	@Override
	public long getNumberOfInjectedErrors() {
		return this.errors.sum();
	}

	@Override
	public long getNumberOfInjectedLatencies() {
		return this.latencies.sum();
	}

	@Override
	public void addListener(ChaosListener listener) {
		this.listeners.add(requireNonNull(listener, "listener"));
	}

	@Override
	public void removeListener(ChaosListener listener) {
		this.listeners.remove(listener);
	}

	@Override
	public ChaosInjection roll() {
		ChaosConfig current = this.config;
		return current.isActive() ? roll(current) : ChaosInjection.NONE;
	}

	private ChaosInjection roll(ChaosConfig current) {
		long latency = 0;
		if (current.getLatencyRate() > 0 && this.random.getAsDouble() < current.getLatencyRate()) {
			latency = Math.max(1, Durations.toNanosSaturated(current.getLatency()));
		}
		boolean error = current.getErrorRate() > 0 && this.random.getAsDouble() < current.getErrorRate();
		if (latency == 0 && !error) {
			return ChaosInjection.NONE;
		}
		if (latency > 0) {
			this.latencies.increment();
			this.listeners.fire(ChaosImpl::tell, new Event(this, ChaosFault.LATENCY));
		}
		if (error) {
			this.errors.increment();
			this.listeners.fire(ChaosImpl::tell, new Event(this, ChaosFault.ERROR));
		}
		return new ChaosInjection(latency, error ? current.newError(this.name) : null);
	}

	private static void tell(ChaosListener listener, Event event) {
		listener.onInjection(event.chaos(), event.fault());
	}

	@Override
	public <A, T> T execute(CheckedFunction<? super A, ? extends T> call, A argument) throws Throwable {
		ChaosConfig current = this.config;
		if (!current.isActive()) {
			return call.apply(argument);
		}
		ChaosInjection injection = roll(current);
		if (injection.getLatencyNanos() > 0) {
			try {
				this.scheduler.sleep(injection.getLatencyNanos());
			}
			catch (InterruptedException ex) {
				// The call ends here, as an interrupted blocking call would; the flag
				// stays set so that retry and the caller see the interrupt.
				Thread.currentThread().interrupt();
				throw ex;
			}
		}
		if (injection.getError() != null) {
			throw injection.getError();
		}
		return call.apply(argument);
	}

	@Override
	public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
			A argument) {
		ChaosConfig current = this.config;
		if (!current.isActive()) {
			return start(call, argument);
		}
		ChaosInjection injection;
		try {
			injection = roll(current);
		}
		catch (Throwable ex) {
			Failures.rethrowIfFatal(ex);
			return CompletableFuture.failedFuture(ex);
		}
		if (injection.getLatencyNanos() == 0) {
			return (injection.getError() != null) ? CompletableFuture.failedFuture(injection.getError())
					: start(call, argument);
		}
		return new DelayedAttempt<>(call, argument, injection.getError()).start(this.scheduler, this.propagator,
				injection.getLatencyNanos());
	}

	/** Runs the call; a throw or a {@code null} stage becomes a failed stage. */
	@SuppressWarnings("unchecked")
	static <A, T> CompletionStage<T> start(CheckedFunction<? super A, ? extends CompletionStage<T>> call, A argument) {
		try {
			CompletionStage<T> stage = (CompletionStage<T>) call.apply(argument);
			return (stage != null) ? stage
					: CompletableFuture.failedFuture(new NullPointerException("call returned a null CompletionStage"));
		}
		catch (Throwable ex) {
			Failures.rethrowIfFatal(ex);
			return CompletableFuture.failedFuture(ex);
		}
	}

	@Override
	public String toString() {
		return "Chaos '" + this.name + "' " + this.config;
	}

	private record Event(Chaos chaos, ChaosFault fault) {
	}

}
