package dev.resilience.circuitbreaker.internal;

/**
 * Read side of the calls a state holds: a sliding window, the trial calls of a half-open
 * breaker, or nothing. Thread-safe; each method reads the counts once.
 */
interface CallCounts {

	CallCounts NONE = new CallCounts() {

		@Override
		public long bufferedCalls() {
			return 0;
		}

		@Override
		public long failedCalls() {
			return 0;
		}

		@Override
		public long slowCalls() {
			return 0;
		}

		@Override
		public float failureRate() {
			return -1;
		}

		@Override
		public float slowCallRate() {
			return -1;
		}

	};

	long bufferedCalls();

	long failedCalls();

	long slowCalls();

	/** Percent, or -1 below the minimum number of calls. */
	float failureRate();

	/** Percent, or -1 below the minimum number of calls. */
	float slowCallRate();

}
