package dev.resilience.idempotency;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

import dev.resilience.testing.FakeTicker;

/**
 * Linearizability of the memory store: every concurrent run of claim, complete, renew,
 * release, find and the passing of time must be explainable by some sequential order of
 * the same operations on one store.
 * <p>
 * Results must be comparable between the concurrent run and its sequential explanation,
 * so lease tokens are numbered by the store in claim order ({@code "1"}, {@code "2"},
 * ...) and operations name a token by number; time moves only through the {@code tick}
 * operation, on a fake ticker. Stress mode: it needs no bytecode instrumentation flags on
 * JDK 17, and its iterations are kept small so the run takes seconds.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:2")
@Param(name = "token", gen = IntGen.class, conf = "1:4")
@Param(name = "fingerprint", gen = IntGen.class, conf = "1:2")
public class MemoryIdempotencyStoreLincheckTests {

	private static final Duration LEASE = Duration.ofSeconds(10);

	private final FakeTicker ticker = new FakeTicker();

	private final AtomicLong tokens = new AtomicLong();

	// maximum size 2 so that evictions happen within a scenario's few operations
	private final MemoryIdempotencyStore store = new MemoryIdempotencyStore(2, 64 * 1024, this.ticker,
			() -> Long.toString(this.tokens.incrementAndGet()));

	public MemoryIdempotencyStoreLincheckTests() {
	}

	@Operation(params = { "key", "fingerprint" })
	public String claim(int key, int fingerprint) {
		ClaimResult result = this.store.claim("k" + key, "fp" + fingerprint, LEASE);
		if (result instanceof ClaimResult.Completed completed) {
			return "Completed(" + completed.fingerprint() + "," + new String(completed.result()) + ")";
		}
		return result.toString();
	}

	@Operation(params = { "key", "token" })
	public boolean complete(int key, int token) {
		return this.store.complete("k" + key, Integer.toString(token), ("r" + token).getBytes(),
				Duration.ofSeconds(30));
	}

	@Operation(params = { "key", "token" })
	public boolean renew(int key, int token) {
		return this.store.renew("k" + key, Integer.toString(token), LEASE);
	}

	@Operation(params = { "key", "token" })
	public boolean release(int key, int token) {
		return this.store.release("k" + key, Integer.toString(token));
	}

	@Operation(params = { "key" })
	public String find(int key) {
		return this.store.find("k" + key)
			.map((record) -> record.state() + "(" + record.fingerprint() + "," + record.leaseToken() + ","
					+ ((record.result() != null) ? new String(record.result()) : "-") + ")")
			.orElse("absent");
	}

	/** Lets a lease, but not a ttl, run out. */
	@Operation
	public void tick() {
		this.ticker.advance(Duration.ofSeconds(6));
	}

	@Test
	public void memoryStoreOperationsAreLinearizable() {
		new StressOptions().iterations(10)
			.invocationsPerIteration(200)
			.threads(3)
			.actorsPerThread(3)
			.actorsBefore(2)
			.actorsAfter(2)
			.check(getClass());
	}

}
