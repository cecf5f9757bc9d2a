package dev.resilience.chaos;

/**
 * Told of each fault a {@link Chaos} instance injects, on the thread of the call it is
 * injected into (for latency, when the delay starts). Must be fast and thread-safe. A
 * listener that throws is logged and ignored; a {@link VirtualMachineError} propagates.
 */
@FunctionalInterface
public interface ChaosListener {

	void onInjection(Chaos chaos, ChaosFault fault);

}
