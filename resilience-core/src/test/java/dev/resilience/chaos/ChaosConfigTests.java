package dev.resilience.chaos;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.resilience.InvalidConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ChaosConfigTests {

	@Test
	void injectsNothingByDefault() {
		ChaosConfig config = ChaosConfig.custom().build();
		assertThat(config.isActive()).isFalse();
		assertThat(config.getError()).isEqualTo(InjectedFaultException.class);
		assertThat(config.getLatency()).isZero();
		assertThat(ChaosConfig.none().isActive()).isFalse();
	}

	@Test
	void anErrorRateOrALatencyRateMakesItActive() {
		assertThat(ChaosConfig.custom().errorRate(0.01).build().isActive()).isTrue();
		assertThat(ChaosConfig.custom().latency(Duration.ofMillis(1)).latencyRate(0.01).build().isActive()).isTrue();
	}

	@Test
	void refusesRatesOutsideZeroToOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChaosConfig.custom().errorRate(-0.1))
			.withMessageContaining("errorRate");
		assertThatIllegalArgumentException().isThrownBy(() -> ChaosConfig.custom().errorRate(1.01))
			.withMessageContaining("errorRate");
		assertThatIllegalArgumentException().isThrownBy(() -> ChaosConfig.custom().errorRate(Double.NaN))
			.withMessageContaining("errorRate");
		assertThatIllegalArgumentException().isThrownBy(() -> ChaosConfig.custom().latencyRate(2))
			.withMessageContaining("latencyRate");
		assertThat(ChaosConfig.custom().errorRate(0).errorRate(1).build().getErrorRate()).isEqualTo(1.0);
	}

	@Test
	void refusesANegativeLatency() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChaosConfig.custom().latency(Duration.ofMillis(-1)))
			.withMessageContaining("latency");
	}

	@Test
	void refusesALatencyRateWithoutALatency() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChaosConfig.custom().latencyRate(0.5).build())
			.isInstanceOfSatisfying(InvalidConfigurationException.class,
					(ex) -> assertThat(ex.getSetting()).isEqualTo("latencyRate"));
	}

	@Test
	void refusesALatencyThatWouldNeverBeInjected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChaosConfig.custom().latency(Duration.ofMillis(200)).build())
			.isInstanceOfSatisfying(InvalidConfigurationException.class,
					(ex) -> assertThat(ex.getSetting()).isEqualTo("latencyRate"));
	}

	@Test
	void refusesAnErrorThatIsNotAThrowable() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChaosConfig.custom().error(String.class))
			.withMessageContaining("error must be a Throwable")
			.withMessageContaining("java.lang.String");
	}

	@Test
	void refusesAnAbstractError() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChaosConfig.custom().error(AbstractFault.class))
			.withMessageContaining("abstract");
	}

	@Test
	void refusesAnErrorWithoutAUsableConstructor() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChaosConfig.custom().error(CodedFault.class))
			.withMessageContaining(CodedFault.class.getName());
		assertThatIllegalArgumentException().isThrownBy(() -> ChaosConfig.custom().error(HiddenFault.class))
			.withMessageContaining(HiddenFault.class.getName());
	}

	@Test
	void injectedErrorOfTheDefaultTypeCarriesTheInstanceName() {
		Throwable error = ChaosConfig.custom().errorRate(1).build().newError("inventory");
		assertThat(error).isInstanceOf(InjectedFaultException.class).hasMessageContaining("'inventory'");
		assertThat(((InjectedFaultException) error).getInstanceName()).isEqualTo("inventory");
	}

	@Test
	void errorWithAStringConstructorIsGivenAMessageNamingTheInstance() {
		Throwable error = ChaosConfig.custom().error(IOException.class).errorRate(1).build().newError("inventory");
		assertThat(error).isExactlyInstanceOf(IOException.class).hasMessageContaining("'inventory'");
	}

	@Test
	void errorWithOnlyANoArgConstructorIsCreatedWithIt() {
		Throwable error = ChaosConfig.custom().error(SilentFault.class).errorRate(1).build().newError("inventory");
		assertThat(error).isExactlyInstanceOf(SilentFault.class).hasMessage(null);
	}

	@Test
	void eachInjectedErrorIsANewInstance() {
		ChaosConfig config = ChaosConfig.custom().error(IllegalStateException.class).errorRate(1).build();
		assertThat(config.newError("a")).isNotSameAs(config.newError("a"));
	}

	@Test
	void errorWhoseConstructorFailsBecomesAnInjectedFaultWithThatCause() {
		Throwable error = ChaosConfig.custom().error(BrokenFault.class).errorRate(1).build().newError("inventory");
		assertThat(error).isInstanceOf(InjectedFaultException.class)
			.hasRootCauseInstanceOf(UnsupportedOperationException.class);
	}

	@Test
	void toBuilderKeepsEverySetting() {
		ChaosConfig config = ChaosConfig.custom()
			.errorRate(0.3)
			.error(IOException.class)
			.latency(Duration.ofMillis(20))
			.latencyRate(0.4)
			.build();
		ChaosConfig copy = config.toBuilder().build();
		assertThat(copy.getErrorRate()).isEqualTo(0.3);
		assertThat(copy.getError()).isEqualTo(IOException.class);
		assertThat(copy.getLatency()).isEqualTo(Duration.ofMillis(20));
		assertThat(copy.getLatencyRate()).isEqualTo(0.4);
		assertThat(copy.newError("x")).isInstanceOf(IOException.class);
	}

	public abstract static class AbstractFault extends RuntimeException {

	}

	public static class CodedFault extends RuntimeException {

		public CodedFault(int code) {
			super("code " + code);
		}

	}

	static class HiddenFault extends RuntimeException {

		HiddenFault() {
		}

	}

	public static class SilentFault extends RuntimeException {

		public SilentFault() {
		}

	}

	public static class BrokenFault extends RuntimeException {

		public BrokenFault() {
			throw new UnsupportedOperationException("cannot be built");
		}

	}

}
