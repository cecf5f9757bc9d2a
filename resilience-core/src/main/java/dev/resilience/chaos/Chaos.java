package dev.resilience.chaos;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import dev.resilience.ContextPropagator;
import dev.resilience.Policy;
import dev.resilience.Scheduler;
import dev.resilience.chaos.internal.ChaosImpl;

/**
 * Injects faults into the calls it runs, at the rates of its current {@link ChaosConfig}:
 * a latency before the call, then an error instead of the call. Meant to sit innermost,
 * where the protected code would run, so that every policy around it (retry, breaker,
 * timeout, bulkhead, fallback) reacts as to a real fault.
 * <p>
 * The configuration is one immutable snapshot behind a volatile reference, replaced as a
 * whole by {@link #changeConfig}: a call reads it once, so it sees the old or the new
 * settings, never a mix. With nothing to inject a call costs that one read.
 * <p>
 * A synchronous call waits out the latency on its own thread through
 * {@link Scheduler#sleep(long)}, which an interrupt ends (a timeout around it cuts the
 * latency short): the call then fails with the {@link InterruptedException} and the
 * thread stays interrupted. An asynchronous call is delayed by a task of the
 * {@link Scheduler}, blocking no thread, and an injected error fails its stage instead of
 * being thrown; cancelling the stage while it waits cancels the task, and the call never
 * starts.
 * <p>
 * Thread-safe.
 */
public interface Chaos extends Policy {

	/**
	 * A chaos instance waiting through {@code scheduler}, rolling with {@code random}
	 * (numbers in {@code [0, 1)}); a delayed asynchronous call starts on the scheduler's
	 * thread in the caller's context, as {@code propagator} carries it.
	 */
	static Chaos of(String name, ChaosConfig config, Scheduler scheduler, ContextPropagator propagator,
			DoubleSupplier random) {
		return new ChaosImpl(name, config, scheduler, propagator, random);
	}

	/** A chaos instance on the system scheduler, rolling with a thread-local random. */
	static Chaos of(String name, ChaosConfig config) {
		return of(name, config, Scheduler.system(), ContextPropagator.NONE, threadLocalRandom());
	}

	/** Random numbers in {@code [0, 1)} from {@link ThreadLocalRandom}. */
	static DoubleSupplier threadLocalRandom() {
		return () -> ThreadLocalRandom.current().nextDouble();
	}

	/** The configuration calls starting now use. */
	ChaosConfig getConfig();

	/**
	 * Replaces the configuration for every call that starts from now on; calls already
	 * past their rolls keep theirs. {@link ChaosConfig#none()} stops injection.
	 */
	void changeConfig(ChaosConfig config);

	/**
	 * Rolls the faults of one call against the current configuration, counts them and
	 * tells the listeners; {@link ChaosInjection#NONE} when nothing is injected. For
	 * integrations that run the call themselves (Reactor operators); {@link #execute} and
	 * {@link #executeAsync} roll by themselves.
	 */
	ChaosInjection roll();

	/** Live counters; the same object on every call. */
	Metrics getMetrics();

	/** Adds a listener; adding one already registered does nothing. */
	void addListener(ChaosListener listener);

	/** Removes a listener; removing one not registered does nothing. */
	void removeListener(ChaosListener listener);

	/** Counters of a chaos instance since it was created. */
	interface Metrics {

		/** Calls failed with an injected error. */
		long getNumberOfInjectedErrors();

		/** Calls held back by injected latency. */
		long getNumberOfInjectedLatencies();

	}

}
