package dev.resilience.circuitbreaker.internal;

import dev.resilience.circuitbreaker.CallOutcome;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;

/**
 * Three call counters (buffered, failed, slow) packed into one {@code long}, so that a
 * window updates all three with a single atomic add and a reader sees them from one
 * moment.
 * <p>
 * Each field is a signed 21-bit two's complement number, and a packed value is the
 * arithmetic sum {@code buffered + failed * 2^21 + slow * 2^42}. Adding a delta whose
 * fields are negative is then plain {@code long} addition, and a field that is briefly
 * negative (a removal applied before the matching addition of a racing thread) decodes as
 * a small negative number instead of corrupting its neighbours. Fields must stay within
 * {@code [-2^20, 2^20)}, hence {@link #MAX_CALLS}.
 */
final class PackedCounts {

	static final int FIELD_BITS = 21;

	/**
	 * Largest count a field holds with room for transient over- and undershoot by racing
	 * threads.
	 */
	static final int MAX_CALLS = CircuitBreakerConfig.MAX_CALLS_COUNTED;

	private static final long ONE_CALL = 1L;

	private static final long ONE_FAILED = 1L << FIELD_BITS;

	private static final long ONE_SLOW = 1L << (2 * FIELD_BITS);

	/**
	 * Slot code 0 is an empty slot; code {@code ordinal + 1} holds one recorded outcome.
	 */
	private static final long[] WEIGHTS_BY_CODE = { 0, ONE_CALL, ONE_CALL + ONE_FAILED, ONE_CALL + ONE_SLOW,
			ONE_CALL + ONE_FAILED + ONE_SLOW };

	private PackedCounts() {
	}

	/**
	 * Code of a recordable outcome in a ring slot: never 0, which marks an empty slot.
	 */
	static int code(CallOutcome outcome) {
		int code = outcome.ordinal() + 1;
		if (code >= WEIGHTS_BY_CODE.length) {
			throw new IllegalArgumentException("only successes and failures are recorded, not " + outcome);
		}
		return code;
	}

	/** What a slot holding {@code code} adds to the packed counts. */
	static long weight(int code) {
		return WEIGHTS_BY_CODE[code];
	}

	static long weight(CallOutcome outcome) {
		return WEIGHTS_BY_CODE[code(outcome)];
	}

	static int buffered(long packed) {
		return lowField(packed);
	}

	static int failed(long packed) {
		return lowField(withoutLowField(packed));
	}

	static int slow(long packed) {
		return (int) withoutLowField(withoutLowField(packed));
	}

	private static int lowField(long packed) {
		return (int) ((packed << (Long.SIZE - FIELD_BITS)) >> (Long.SIZE - FIELD_BITS));
	}

	private static long withoutLowField(long packed) {
		return (packed - lowField(packed)) >> FIELD_BITS;
	}

}
