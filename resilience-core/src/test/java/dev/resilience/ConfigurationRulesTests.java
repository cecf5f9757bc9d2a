package dev.resilience;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import dev.resilience.retry.RetryConfig;
import dev.resilience.retry.RetryConfig.BudgetConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Rules between settings are checked by the engine's builders alone, each failing with an
 * {@link InvalidConfigurationException} that names the setting, its value, the
 * requirement and the settings the requirement reads, so that a caller can word it in its
 * own terms.
 */
class ConfigurationRulesTests {

	@Test
	void minimumNumberOfCallsAboveACountBasedWindowIsRejected() {
		InvalidConfigurationException failure = thrownBy(
				() -> CircuitBreakerConfig.custom().slidingWindowSize(10).minimumNumberOfCalls(11).build());
		assertThat(failure.getSetting()).isEqualTo("minimumNumberOfCalls");
		assertThat(failure.getValue()).isEqualTo(11);
		assertThat(failure.getRelated()).containsExactly(Map.entry("slidingWindowSize", 10),
				Map.entry("slidingWindowType", SlidingWindowType.COUNT_BASED));
		assertThat(failure).hasMessage("minimumNumberOfCalls (11) must not exceed slidingWindowSize (10) when "
				+ "slidingWindowType is COUNT_BASED, or the breaker could never open");
		InvalidConfigurationException converse = failure.getConverse();
		assertThat(converse.getSetting()).isEqualTo("slidingWindowSize");
		assertThat(converse.getValue()).isEqualTo(10);
		assertThat(converse.getRequirement())
			.isEqualTo("must be at least minimumNumberOfCalls (11) when slidingWindowType is COUNT_BASED");
	}

	@Test
	void minimumNumberOfCallsAboveATimeBasedWindowIsAccepted() {
		CircuitBreakerConfig config = CircuitBreakerConfig.custom()
			.slidingWindowType(SlidingWindowType.TIME_BASED)
			.slidingWindowSize(10)
			.minimumNumberOfCalls(11)
			.build();
		assertThat(config.getMinimumNumberOfCalls()).isEqualTo(11);
	}

	@Test
	void timeBasedWindowLongerThanAnHourIsRejected() {
		InvalidConfigurationException failure = thrownBy(() -> CircuitBreakerConfig.custom()
			.slidingWindowType(SlidingWindowType.TIME_BASED)
			.slidingWindowSize(3601)
			.build());
		assertThat(failure.getSetting()).isEqualTo("slidingWindowSize");
		assertThat(failure.getValue()).isEqualTo(3601);
		assertThat(failure.getRelated()).containsExactly(Map.entry("slidingWindowType", SlidingWindowType.TIME_BASED));
		assertThat(failure.getRequirement())
			.isEqualTo("must be at most 3600 (seconds) when slidingWindowType is TIME_BASED");
		assertThat(failure.getConverse()).isNull();
	}

	@Test
	void countBasedWindowAboveWhatTheBreakerCanCountIsRejected() {
		InvalidConfigurationException failure = thrownBy(() -> CircuitBreakerConfig.custom()
			.slidingWindowSize(CircuitBreakerConfig.MAX_CALLS_COUNTED + 1)
			.build());
		assertThat(failure.getSetting()).isEqualTo("slidingWindowSize");
		assertThat(failure.getValue()).isEqualTo(1_000_001);
		assertThat(failure.getRequirement()).isEqualTo("must be at most 1000000 when slidingWindowType is COUNT_BASED");
	}

	@Test
	void trialCallsAboveWhatTheBreakerCanCountAreRejected() {
		InvalidConfigurationException failure = thrownBy(() -> CircuitBreakerConfig.custom()
			.permittedNumberOfCallsInHalfOpenState(CircuitBreakerConfig.MAX_CALLS_COUNTED + 1)
			.build());
		assertThat(failure.getSetting()).isEqualTo("permittedNumberOfCallsInHalfOpenState");
		assertThat(failure.getValue()).isEqualTo(1_000_001);
		assertThat(failure.getRequirement()).isEqualTo("must be at most 1000000");
		assertThat(failure.getRelated()).isEmpty();
	}

	@Test
	void maxWaitDurationShorterThanWaitDurationIsRejected() {
		InvalidConfigurationException failure = thrownBy(() -> RetryConfig.custom()
			.waitDuration(Duration.ofMillis(200))
			.maxWaitDuration(Duration.ofMillis(100))
			.build());
		assertThat(failure.getSetting()).isEqualTo("maxWaitDuration");
		assertThat(failure.getValue()).isEqualTo(Duration.ofMillis(100));
		assertThat(failure.getRelated()).containsExactly(Map.entry("waitDuration", Duration.ofMillis(200)));
		assertThat(failure).hasMessage("maxWaitDuration (PT0.1S) must not be shorter than waitDuration (PT0.2S)");
		assertThat(failure.getConverse().getSetting()).isEqualTo("waitDuration");
		assertThat(failure.getConverse().getRequirement())
			.isEqualTo("must not be longer than maxWaitDuration (PT0.1S)");
	}

	@Test
	void maxWaitDurationEqualToWaitDurationIsAccepted() {
		RetryConfig config = RetryConfig.custom()
			.waitDuration(Duration.ofSeconds(1))
			.maxWaitDuration(Duration.ofSeconds(1))
			.build();
		assertThat(config.getMaxWaitDuration()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void budgetRatioOutOfRangeIsRejected() {
		for (double ratio : new double[] { 0, -0.1, 1.5, Double.NaN }) {
			InvalidConfigurationException failure = thrownBy(() -> BudgetConfig.of(ratio, 10, Duration.ofSeconds(10)));
			assertThat(failure.getSetting()).isEqualTo("ratio");
			assertThat(failure.getValue()).isEqualTo(ratio);
			assertThat(failure.getRequirement()).isEqualTo("must be in (0, 1]");
		}
		assertThat(BudgetConfig.of(1, 0, Duration.ofSeconds(1)).getRatio()).isEqualTo(1);
	}

	@Test
	void negativeMinimumRetriesPerSecondIsRejected() {
		InvalidConfigurationException failure = thrownBy(() -> BudgetConfig.of(0.2, -1, Duration.ofSeconds(10)));
		assertThat(failure.getSetting()).isEqualTo("minRetriesPerSecond");
		assertThat(failure.getValue()).isEqualTo(-1);
		assertThat(failure.getRequirement()).isEqualTo("must be at least 0");
	}

	@Test
	void budgetWindowShorterThanASecondIsRejected() {
		InvalidConfigurationException failure = thrownBy(() -> BudgetConfig.of(0.2, 10, Duration.ofMillis(999)));
		assertThat(failure.getSetting()).isEqualTo("window");
		assertThat(failure.getValue()).isEqualTo(Duration.ofMillis(999));
		assertThat(failure.getRequirement()).isEqualTo("must be at least 1s");
	}

	@Test
	void threadPoolMaxSizeBelowCoreSizeIsRejected() {
		InvalidConfigurationException failure = thrownBy(() -> BulkheadConfig.custom().coreSize(4).maxSize(2).build());
		assertThat(failure.getSetting()).isEqualTo("maxSize");
		assertThat(failure.getValue()).isEqualTo(2);
		assertThat(failure.getRelated()).containsExactly(Map.entry("coreSize", 4));
		assertThat(failure).hasMessage("maxSize (2) must not be smaller than coreSize (4)");
		assertThat(failure.getConverse().getSetting()).isEqualTo("coreSize");
		assertThat(failure.getConverse().getValue()).isEqualTo(4);
		assertThat(failure.getConverse().getRequirement()).isEqualTo("must not be larger than maxSize (2)");
	}

	@Test
	void requirementIsRenderedInTheCallersTerms() {
		InvalidConfigurationException failure = thrownBy(() -> CircuitBreakerConfig.custom()
			.slidingWindowType(SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(5)
			.minimumNumberOfCalls(6)
			.build());
		InvalidConfigurationException.SettingFormat kebab = new InvalidConfigurationException.SettingFormat() {

			@Override
			public String name(String setting) {
				return setting.replaceAll("([A-Z])", "-$1").toLowerCase();
			}

			@Override
			public String value(String setting, Object value) {
				return String.valueOf(value).toLowerCase().replace('_', '-');
			}

		};
		assertThat(failure.getRequirement(kebab)).isEqualTo(
				"must not exceed sliding-window-size (5) when sliding-window-type is count-based, or the breaker could never open");
	}

	@Test
	void requirementReferringToAnUnrelatedSettingIsAProgrammingError() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new InvalidConfigurationException("maxSize", 2, "must exceed {coreSize}", Map.of()))
			.withMessageContaining("coreSize");
		InvalidConfigurationException failure = InvalidConfigurationException.of("maxSize", 2, "must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> failure.withConverse("coreSize", "must be smaller"));
	}

	@Test
	void structuredErrorIsStillAnIllegalArgumentException() {
		assertThatIllegalArgumentException().isThrownBy(() -> BulkheadConfig.custom().coreSize(9).build());
	}

	private static InvalidConfigurationException thrownBy(Executable build) {
		return assertThrows(InvalidConfigurationException.class, build);
	}

}
