package dev.resilience.idempotency;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** What the memory store adds to the contract: bounds, and which records they evict. */
class MemoryIdempotencyStoreTests {

	private static final long MB = 1024 * 1024;

	private final FakeTicker ticker = new FakeTicker();

	@Test
	void newestCompletedRecordsSurviveAnyNumberOfOlderOnes() {
		int kept = 1000;
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(kept, this.ticker);
		int total = 200_000;
		for (int i = 0; i < total; i++) {
			complete(store, "record-" + i);
		}
		List<String> lost = new ArrayList<>();
		for (int i = total - kept; i < total; i++) {
			if (store.find("record-" + i).isEmpty()) {
				lost.add("record-" + i);
			}
		}
		assertThat(lost).as("of the newest %d completed records, those evicted", kept).isEmpty();
		assertThat(store.estimatedSize()).isEqualTo(kept);
	}

	@Test
	void repeatedReadsOfOldRecordsDoNotProtectThemFromNewerOnes() {
		// a frequency-based policy would keep the hot old records and turn newcomers away
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(10, this.ticker);
		for (int i = 0; i < 10; i++) {
			complete(store, "old-" + i);
			for (int read = 0; read < 20; read++) {
				store.find("old-" + i);
				store.claim("old-" + i, "fp", Duration.ofMinutes(1));
			}
		}
		for (int i = 0; i < 10; i++) {
			complete(store, "new-" + i);
		}
		for (int i = 0; i < 10; i++) {
			assertThat(store.find("new-" + i)).as("new-" + i).isPresent();
			assertThat(store.find("old-" + i)).as("old-" + i).isEmpty();
		}
	}

	@Test
	void soonestExpiringCompletedRecordIsEvictedFirst() {
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(2, this.ticker);
		complete(store, "long-lived", Duration.ofHours(10), 1);
		complete(store, "short-lived", Duration.ofMinutes(5), 1);
		complete(store, "newest", Duration.ofHours(1), 1);
		assertThat(store.find("short-lived")).isEmpty();
		assertThat(store.find("long-lived")).isPresent();
		assertThat(store.find("newest")).isPresent();
	}

	@Test
	void claimsInProgressAreNeverEvictedForBytes() {
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(1000, MB, this.ticker);
		List<String> claims = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			String id = "claim-" + i;
			assertThat(store.claim(id, "fp", Duration.ofMinutes(1))).isInstanceOf(ClaimResult.Claimed.class);
			claims.add(id);
			complete(store, "done-" + i, Duration.ofMinutes(30), 100 * 1024);
		}
		assertThat(claims).allSatisfy((id) -> assertThat(store.find(id)).as(id).isPresent());
		assertThat(store.memoryUsed()).isLessThanOrEqualTo(MB);
	}

	@Test
	void largeResultFloodStaysUnderTheByteBoundAndKeepsTheNewest() {
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(100_000, 4 * MB, this.ticker);
		int resultSize = 64 * 1024;
		for (int i = 0; i < 2000; i++) {
			complete(store, "big-" + i, Duration.ofMinutes(30), resultSize);
			assertThat(store.memoryUsed()).as("after %d results", i + 1).isLessThanOrEqualTo(4 * MB);
		}
		long perRecord = resultSize + MemoryIdempotencyStore.RECORD_OVERHEAD_BYTES;
		long fits = (4 * MB) / perRecord;
		assertThat(store.estimatedSize()).isEqualTo(fits);
		for (int i = 2000 - (int) fits; i < 2000; i++) {
			assertThat(store.find("big-" + i)).as("big-" + i).isPresent();
		}
		assertThat(store.memoryUsed()).isEqualTo(fits * perRecord);
	}

	@Test
	void resultLargerThanTheWholeBoundIsNotKeptAndEvictsNothing() {
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(100, MB, this.ticker);
		complete(store, "small", Duration.ofMinutes(30), 10);
		String token = ((ClaimResult.Claimed) store.claim("huge", "fp", Duration.ofMinutes(1))).leaseToken();
		assertThat(store.complete("huge", token, new byte[(int) MB], Duration.ofMinutes(30))).isTrue();
		assertThat(store.find("huge")).isEmpty();
		assertThat(store.find("small")).isPresent();
		assertThat(store.memoryUsed()).isEqualTo(10 + MemoryIdempotencyStore.RECORD_OVERHEAD_BYTES);
	}

	@Test
	void memoryUsedFallsAsRecordsExpireOrAreReleased() {
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(100, MB, this.ticker);
		complete(store, "done", Duration.ofMinutes(5), 1000);
		String token = ((ClaimResult.Claimed) store.claim("claim", "fp", Duration.ofMinutes(1))).leaseToken();
		assertThat(store.memoryUsed()).isEqualTo(1000 + MemoryIdempotencyStore.RECORD_OVERHEAD_BYTES);
		assertThat(store.release("claim", token)).isTrue();
		this.ticker.advance(Duration.ofMinutes(5));
		assertThat(store.memoryUsed()).isZero();
		assertThat(store.estimatedSize()).isZero();
	}

	@Test
	void storedResultCannotBeChangedThroughAReplayedArray() {
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(100, this.ticker);
		complete(store, "id", Duration.ofMinutes(30), 3);
		byte[] replayed = ((ClaimResult.Completed) store.claim("id", "fp", Duration.ofMinutes(1))).result();
		replayed[0] = 42;
		assertThat(((ClaimResult.Completed) store.claim("id", "fp", Duration.ofMinutes(1))).result()).containsExactly(0,
				0, 0);
	}

	@Test
	void boundsHoldWhileManyThreadsCompleteAndClaim() throws Exception {
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(200, 256 * 1024, this.ticker);
		int threads = 8;
		int perThread = 2000;
		java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
		List<String> held = java.util.Collections.synchronizedList(new ArrayList<>());
		try {
			List<java.util.concurrent.Future<?>> done = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				done.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < perThread; i++) {
						String id = thread + "-" + i;
						String token = ((ClaimResult.Claimed) store.claim(id, "fp", Duration.ofMinutes(1)))
							.leaseToken();
						if (i % 100 == 0) {
							held.add(id); // left in progress: must survive every eviction
						}
						else {
							assertThat(store.complete(id, token, new byte[(i % 7) * 1000], Duration.ofMinutes(30)))
								.isTrue();
						}
						assertThat(store.memoryUsed()).isLessThanOrEqualTo(256 * 1024);
					}
					return null;
				}));
			}
			for (java.util.concurrent.Future<?> future : done) {
				future.get(60, java.util.concurrent.TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(held).hasSize(threads * perThread / 100)
			.allSatisfy((id) -> assertThat(store.find(id).map(IdempotencyRecord::state))
				.contains(IdempotencyRecord.State.IN_PROGRESS));
		assertThat(store.memoryUsed()).isLessThanOrEqualTo(256 * 1024);
		assertThat(store.estimatedSize() - held.size()).isLessThanOrEqualTo(200);
	}

	@Test
	void completedRecordsAreBoundedByMaximumSize() {
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(10, this.ticker);
		for (int i = 0; i < 50; i++) {
			complete(store, "record-" + i);
		}
		assertThat(store.estimatedSize()).isLessThanOrEqualTo(10);
	}

	@Test
	void claimsInProgressAreNotEvictedForSize() {
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(5, this.ticker);
		List<String> claims = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			String id = "claim-" + i;
			assertThat(store.claim(id, "fp", Duration.ofMinutes(1))).isInstanceOf(ClaimResult.Claimed.class);
			claims.add(id);
		}
		for (int i = 0; i < 20; i++) {
			complete(store, "done-" + i);
		}
		assertThat(claims).allSatisfy((id) -> assertThat(store.find(id)).isPresent());
	}

	@Test
	void expiredRecordsAreDroppedFromMemory() {
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(100, this.ticker);
		complete(store, "done");
		store.claim("claim", "fp", Duration.ofSeconds(10));
		assertThat(store.estimatedSize()).isEqualTo(2);
		this.ticker.advance(Duration.ofHours(1));
		assertThat(store.estimatedSize()).isZero();
	}

	@Test
	void storedResultCannotBeChangedThroughTheCallersArray() {
		MemoryIdempotencyStore store = new MemoryIdempotencyStore(100, this.ticker);
		String token = ((ClaimResult.Claimed) store.claim("id", "fp", Duration.ofMinutes(1))).leaseToken();
		byte[] result = "abc".getBytes(StandardCharsets.UTF_8);
		store.complete("id", token, result, Duration.ofHours(1));
		result[0] = 'x';
		assertThat(store.find("id").orElseThrow().result()).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void maximumSizeMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new MemoryIdempotencyStore(0, this.ticker))
			.withMessage("maximumSize must be at least 1 but was 0");
	}

	@Test
	void maximumMemoryMustHoldAtLeastOneRecordsOverhead() {
		assertThatIllegalArgumentException().isThrownBy(() -> new MemoryIdempotencyStore(10, 511, this.ticker))
			.withMessage("maximumMemory must be at least 512 bytes (one record's overhead) but was 511");
	}

	private void complete(MemoryIdempotencyStore store, String id) {
		complete(store, id, Duration.ofMinutes(30), 1);
	}

	private void complete(MemoryIdempotencyStore store, String id, Duration ttl, int resultSize) {
		String token = ((ClaimResult.Claimed) store.claim(id, "fp", Duration.ofMinutes(1))).leaseToken();
		assertThat(store.complete(id, token, new byte[resultSize], ttl)).isTrue();
	}

}
