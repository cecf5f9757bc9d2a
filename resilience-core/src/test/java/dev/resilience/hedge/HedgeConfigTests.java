package dev.resilience.hedge;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.resilience.InvalidConfigurationException;
import dev.resilience.ResilienceRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Defaults and range checks of {@link HedgeConfig}, and hedges in the registry. */
class HedgeConfigTests {

	@Test
	void defaultsAreThoseOfTheConfigurationReference() {
		HedgeConfig config = HedgeConfig.ofDefaults();
		assertThat(config.getDelay()).isEqualTo(Duration.ofMillis(100));
		assertThat(config.getDelayQuantile()).isEmpty();
		assertThat(config.getMaxHedgedAttempts()).isEqualTo(1);
		assertThat(config.getBudgetRatio()).isEqualTo(0.1);
		assertThat(config.getBudgetWindow()).isEqualTo(Duration.ofSeconds(10));
	}

	@ParameterizedTest
	@ValueSource(doubles = { 0, 1, -0.5, 1.5, Double.NaN })
	void delayQuantileOutsideTheOpenUnitIntervalIsRefused(double quantile) {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> HedgeConfig.custom().delayQuantile(quantile))
			.withMessageContaining("delayQuantile");
	}

	@ParameterizedTest
	@ValueSource(doubles = { 0, -0.1, 1.01, Double.NaN })
	void budgetRatioOutsideZeroExcludedToOneIsRefused(double ratio) {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> HedgeConfig.custom().budgetRatio(ratio))
			.withMessageContaining("budgetRatio");
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -1, 11 })
	void maxHedgedAttemptsOutsideOneToTenIsRefused(int attempts) {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> HedgeConfig.custom().maxHedgedAttempts(attempts))
			.withMessageContaining("maxHedgedAttempts");
	}

	@Test
	void nonPositiveDurationsAreRefused() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> HedgeConfig.custom().delay(Duration.ZERO))
			.withMessageContaining("delay");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> HedgeConfig.custom().budgetWindow(Duration.ofSeconds(-1)))
			.withMessageContaining("budgetWindow");
	}

	@Test
	void toBuilderKeepsEverySetting() {
		HedgeConfig config = HedgeConfig.custom()
			.delay(Duration.ofMillis(30))
			.delayQuantile(0.95)
			.maxHedgedAttempts(3)
			.budgetRatio(0.25)
			.budgetWindow(Duration.ofSeconds(30))
			.build();
		assertThat(config.toBuilder().build()).hasToString(config.toString());
		assertThat(config.toBuilder().noDelayQuantile().build().getDelayQuantile()).isEmpty();
	}

	@Test
	void registrySharesOneHedgePerNameWithItsConfigurationAndAnnouncesIt() {
		ResilienceRegistry registry = ResilienceRegistry.builder()
			.hedgeConfigs((name) -> HedgeConfig.custom().maxHedgedAttempts(name.length()).build())
			.build();
		int[] announced = { 0 };
		registry.addListener(new ResilienceRegistry.RegistryListener() {
			@Override
			public void onHedgeAdded(Hedge hedge) {
				announced[0]++;
			}
		});
		Hedge hedge = registry.hedge("abc");
		assertThat(registry.hedge("abc")).isSameAs(hedge);
		assertThat(hedge.getConfig().getMaxHedgedAttempts()).isEqualTo(3);
		assertThat(registry.getHedges()).containsExactly(hedge);
		assertThat(announced[0]).isEqualTo(1);
	}

}
