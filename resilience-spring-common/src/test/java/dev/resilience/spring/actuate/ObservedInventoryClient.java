package dev.resilience.spring.actuate;

import java.util.concurrent.atomic.AtomicInteger;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;

/**
 * An annotated client whose downstream fails a number of times the tests set. The
 * counters live in a separate, unproxied {@link Downstream}, since the client itself is a
 * class-based proxy.
 */
public class ObservedInventoryClient {

	private final Downstream downstream;

	public ObservedInventoryClient(Downstream downstream) {
		this.downstream = downstream;
	}

	@CircuitBreaker(name = "inventory")
	@Retry(name = "inventory")
	@Bulkhead(name = "inventory")
	public int reserve(String sku) {
		return this.downstream.call();
	}

	@Retry(name = "catalog")
	@Fallback(method = "priceFallback")
	public int price(String sku) {
		return this.downstream.call();
	}

	int priceFallback(String sku, IllegalStateException failure) {
		return -1;
	}

	/**
	 * The dependency: fails while {@link #failuresLeft} is positive, counting every call.
	 */
	public static class Downstream {

		public final AtomicInteger failuresLeft = new AtomicInteger();

		public final AtomicInteger calls = new AtomicInteger();

		int call() {
			this.calls.incrementAndGet();
			if (this.failuresLeft.getAndDecrement() > 0) {
				throw new IllegalStateException("downstream failed");
			}
			return 7;
		}

	}

}
