package dev.resilience.circuitbreaker.internal;

import org.junit.jupiter.api.Test;

import dev.resilience.circuitbreaker.CallOutcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The packed counter layout, including the briefly negative fields racing updates
 * produce.
 */
class PackedCountsTests {

	@Test
	void decodesWhatWasPacked() {
		long packed = pack(1_000_000, 999_999, 3);
		assertThat(PackedCounts.buffered(packed)).isEqualTo(1_000_000);
		assertThat(PackedCounts.failed(packed)).isEqualTo(999_999);
		assertThat(PackedCounts.slow(packed)).isEqualTo(3);
	}

	@Test
	void outcomeWeightsAddUpFieldByField() {
		long packed = PackedCounts.weight(CallOutcome.SUCCESS) + PackedCounts.weight(CallOutcome.FAILURE)
				+ PackedCounts.weight(CallOutcome.SLOW_SUCCESS) + 2 * PackedCounts.weight(CallOutcome.SLOW_FAILURE);
		assertThat(PackedCounts.buffered(packed)).isEqualTo(5);
		assertThat(PackedCounts.failed(packed)).isEqualTo(3);
		assertThat(PackedCounts.slow(packed)).isEqualTo(3);
	}

	@Test
	void removalAppliedBeforeTheMatchingAdditionLeavesOtherFieldsIntact() {
		// One failure evicted (-1 failed) before the thread that stored it added its +1.
		long packed = pack(7, 0, 2)
				- (PackedCounts.weight(CallOutcome.FAILURE) - PackedCounts.weight(CallOutcome.SUCCESS));
		assertThat(PackedCounts.buffered(packed)).isEqualTo(7);
		assertThat(PackedCounts.failed(packed)).isEqualTo(-1);
		assertThat(PackedCounts.slow(packed)).isEqualTo(2);
		packed += PackedCounts.weight(CallOutcome.FAILURE) - PackedCounts.weight(CallOutcome.SUCCESS);
		assertThat(PackedCounts.failed(packed)).isZero();
		assertThat(PackedCounts.slow(packed)).isEqualTo(2);
	}

	@Test
	void everyFieldCanBeBrieflyNegative() {
		long packed = pack(-3, -2, -1);
		assertThat(PackedCounts.buffered(packed)).isEqualTo(-3);
		assertThat(PackedCounts.failed(packed)).isEqualTo(-2);
		assertThat(PackedCounts.slow(packed)).isEqualTo(-1);
	}

	/**
	 * Counts packed from the outcome weights alone, as a window adds them: a success
	 * weighs one buffered call, a failure one more failed call than a success, a slow
	 * success one more slow call. Negative counts are the removals of racing threads.
	 */
	private static long pack(int buffered, int failed, int slow) {
		long oneCall = PackedCounts.weight(CallOutcome.SUCCESS);
		long oneFailed = PackedCounts.weight(CallOutcome.FAILURE) - oneCall;
		long oneSlow = PackedCounts.weight(CallOutcome.SLOW_SUCCESS) - oneCall;
		return buffered * oneCall + failed * oneFailed + slow * oneSlow;
	}

	@Test
	void emptySlotWeighsNothing() {
		assertThat(PackedCounts.weight(0)).isZero();
	}

	@Test
	void onlySuccessesAndFailuresHaveASlotCode() {
		assertThatIllegalArgumentException().isThrownBy(() -> PackedCounts.code(CallOutcome.IGNORED));
		assertThatIllegalArgumentException().isThrownBy(() -> PackedCounts.code(CallOutcome.NOT_PERMITTED));
	}

}
