package dev.resilience.idempotency;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.resilience.idempotency.IdempotencyConfig.OnInProgress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class IdempotencyConfigTests {

	@Test
	void defaultsAreThoseOfTheSpecification() {
		IdempotencyConfig config = IdempotencyConfig.ofDefaults();
		assertThat(config.getTtl()).isEqualTo(Duration.ofHours(24));
		assertThat(config.getInProgressTimeout()).isEqualTo(Duration.ofSeconds(60));
		assertThat(config.getOnInProgress()).isEqualTo(OnInProgress.REJECT);
		assertThat(config.getInProgressWait()).isEqualTo(Duration.ofSeconds(5));
		assertThat(config.getKeyPrefix()).isEqualTo("resilience:idem");
		assertThat(config.getMaxKeyLength()).isEqualTo(255);
	}

	@Test
	void toBuilderKeepsEverySetting() {
		IdempotencyConfig config = IdempotencyConfig.custom()
			.ttl(Duration.ofHours(1))
			.inProgressTimeout(Duration.ofSeconds(7))
			.onInProgress(OnInProgress.WAIT)
			.inProgressWait(Duration.ofSeconds(2))
			.keyPrefix("app")
			.maxKeyLength(64)
			.build();
		assertThat(config.toBuilder().build()).usingRecursiveComparison().isEqualTo(config);
	}

	@Test
	void builderRefusesValuesOutOfRangeNamingTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> IdempotencyConfig.custom().ttl(Duration.ZERO))
			.withMessage("ttl must be positive but was PT0S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> IdempotencyConfig.custom().inProgressTimeout(Duration.ofSeconds(-1)))
			.withMessageStartingWith("inProgressTimeout must be positive");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> IdempotencyConfig.custom().inProgressWait(Duration.ofMillis(-1)))
			.withMessageStartingWith("inProgressWait must not be negative");
		assertThatIllegalArgumentException().isThrownBy(() -> IdempotencyConfig.custom().maxKeyLength(0))
			.withMessage("maxKeyLength must be at least 1 but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> IdempotencyConfig.custom().keyPrefix(""))
			.withMessage("keyPrefix must not be empty");
		assertThatNullPointerException().isThrownBy(() -> IdempotencyConfig.custom().onInProgress(null))
			.withMessage("onInProgress must not be null");
	}

}
