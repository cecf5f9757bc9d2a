package dev.resilience.idempotency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memory store's bounds as properties over any sequence of completions and claims.
 */
class MemoryIdempotencyStorePropertyTests {

	@Property(tries = 150)
	void newestRecordsAndEveryClaimSurviveWithinBothBounds(@ForAll @IntRange(min = 1, max = 40) int maximumSize,
			@ForAll @IntRange(min = 512, max = 64 * 1024) int maximumMemory,
			@ForAll @Size(max = 400) List<@IntRange(min = -1, max = 8 * 1024) Integer> resultSizes) {
		FakeTicker ticker = new FakeTicker();
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(maximumSize, maximumMemory, ticker);
		List<String> completedIds = new ArrayList<>();
		List<Long> weights = new ArrayList<>();
		List<String> claimIds = new ArrayList<>();
		for (int i = 0; i < resultSizes.size(); i++) {
			String id = "r-" + i;
			String token = ((ClaimResult.Claimed) store.claim(id, "fp", Duration.ofMinutes(1))).leaseToken();
			int size = resultSizes.get(i);
			if (size < 0) {
				claimIds.add(id); // left running
				continue;
			}
			assertThat(store.complete(id, token, new byte[size], Duration.ofHours(1))).isTrue();
			completedIds.add(id);
			weights.add((long) size + MemoryIdempotencyStore.RECORD_OVERHEAD_BYTES);
			assertThat(store.memoryUsed()).isLessThanOrEqualTo(maximumMemory);
		}
		// with one ttl, what must be left is the longest run of newest records within
		// both bounds
		int expected = 0;
		long bytes = 0;
		for (int i = completedIds.size() - 1; i >= 0 && expected < maximumSize; i--) {
			if (bytes + weights.get(i) > maximumMemory) {
				break;
			}
			bytes += weights.get(i);
			expected++;
		}
		for (int i = completedIds.size() - expected; i < completedIds.size(); i++) {
			assertThat(store.find(completedIds.get(i))).as(completedIds.get(i)).isPresent();
		}
		assertThat(claimIds).allSatisfy((id) -> assertThat(store.find(id)).as(id).isPresent());
		assertThat(store.estimatedSize() - claimIds.size()).isLessThanOrEqualTo(maximumSize);
	}

}
