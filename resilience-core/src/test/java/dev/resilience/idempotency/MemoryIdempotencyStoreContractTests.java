package dev.resilience.idempotency;

import java.time.Duration;

/** The store contract against the in-memory store, on the fake ticker. */
class MemoryIdempotencyStoreContractTests extends IdempotencyStoreContractTests {

	@Override
	protected IdempotencyStore createStore() {
		return new MemoryIdempotencyStore(1000, this.ticker);
	}

	@Override
	protected void elapse(Duration duration) {
		this.ticker.advance(duration);
	}

	@Override
	protected Duration shortLease() {
		return Duration.ofSeconds(30);
	}

	@Override
	protected Duration shortTtl() {
		return Duration.ofMinutes(10);
	}

}
