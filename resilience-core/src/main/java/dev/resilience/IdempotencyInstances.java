package dev.resilience;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.resilience.idempotency.Idempotency;
import dev.resilience.idempotency.IdempotencyConfig;
import dev.resilience.idempotency.IdempotencyStore;

/**
 * How a {@link ResilienceRegistry} makes its idempotency instances: every one of them
 * shares one {@link IdempotencyStore}, asked for with the first instance, and one
 * executor for asynchronous store operations, the builder's or a pool the registry makes
 * with the first instance and shuts down on close.
 * <p>
 * Not thread-safe by itself: {@link #create} and {@link #close} run under the registry's
 * creation lock.
 */
final class IdempotencyInstances {

	private final Function<String, IdempotencyConfig> configs;

	private final Supplier<? extends IdempotencyStore> storeSupplier;

	private final Executor givenIoExecutor;

	private final Ticker ticker;

	private final Scheduler scheduler;

	private final ContextPropagator contextPropagator;

	/** Asked for once, with the first idempotency instance. */
	private IdempotencyStore store;

	/** The I/O pool made here, and so shut down here; {@code null} until then. */
	private ExecutorService ownIoExecutor;

	IdempotencyInstances(Function<String, IdempotencyConfig> configs,
			Supplier<? extends IdempotencyStore> storeSupplier, Executor givenIoExecutor, Ticker ticker,
			Scheduler scheduler, ContextPropagator contextPropagator) {
		this.configs = configs;
		this.storeSupplier = storeSupplier;
		this.givenIoExecutor = givenIoExecutor;
		this.ticker = ticker;
		this.scheduler = scheduler;
		this.contextPropagator = contextPropagator;
	}

	/**
	 * Makes the instance of {@code key}; the store and the pool are made with the first
	 * one.
	 */
	Idempotency create(Key key) {
		IdempotencyConfig config = this.configs.apply(key.name());
		if (this.store == null) {
			IdempotencyStore supplied = this.storeSupplier.get();
			this.store = Objects.requireNonNull(supplied, "the idempotency store supplier returned null");
		}
		Executor ioExecutor = this.givenIoExecutor;
		if (ioExecutor == null) {
			if (this.ownIoExecutor == null) {
				this.ownIoExecutor = Idempotency.newIoExecutor();
			}
			ioExecutor = this.ownIoExecutor;
		}
		return Idempotency.builder(key.name(), config, this.store)
			.namespace(key.namespace())
			.ticker(this.ticker)
			.scheduler(this.scheduler)
			.contextPropagator(this.contextPropagator)
			.ioExecutor(ioExecutor)
			.build();
	}

	/**
	 * Shuts down the I/O pool if it was made here; an executor given to the builder stays
	 * its owner's.
	 */
	void close() {
		if (this.ownIoExecutor != null) {
			this.ownIoExecutor.shutdown();
		}
	}

	/**
	 * An idempotency instance: its configuration name, and its namespace or {@code null}.
	 */
	record Key(String name, String namespace) {
	}

}
