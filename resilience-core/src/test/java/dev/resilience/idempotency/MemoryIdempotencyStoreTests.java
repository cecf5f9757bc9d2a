package dev.resilience.idempotency;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** What the memory store adds to the contract: bounds. */
class MemoryIdempotencyStoreTests {

	private final FakeTicker ticker = new FakeTicker();

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

	private void complete(MemoryIdempotencyStore store, String id) {
		String token = ((ClaimResult.Claimed) store.claim(id, "fp", Duration.ofMinutes(1))).leaseToken();
		assertThat(store.complete(id, token, new byte[] { 1 }, Duration.ofMinutes(30))).isTrue();
	}

}
