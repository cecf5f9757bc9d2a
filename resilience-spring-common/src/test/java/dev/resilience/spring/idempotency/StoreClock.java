package dev.resilience.spring.idempotency;

import java.time.Duration;
import java.util.function.LongSupplier;

import static org.awaitility.Awaitility.await;

/**
 * Waits for a store's own clock (Redis {@code TIME}, the database's {@code now()}) to
 * pass a duration. Expiry in those stores is decided by that clock alone, so the tests
 * poll it rather than sleep for a guessed time.
 */
public final class StoreClock {

	private StoreClock() {
	}

	/**
	 * Returns once {@code millisNow} reads at least {@code duration} (plus one tick)
	 * later than on entry.
	 */
	public static void elapse(LongSupplier millisNow, Duration duration) {
		long until = millisNow.getAsLong() + duration.toMillis() + 1;
		await().pollDelay(Duration.ofMillis(duration.toMillis() / 2))
			.pollInterval(Duration.ofMillis(10))
			.atMost(duration.plusSeconds(10))
			.until(() -> millisNow.getAsLong() >= until);
	}

}
