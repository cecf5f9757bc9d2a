package dev.resilience.spring.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;

import dev.resilience.ResilienceRegistry;
import dev.resilience.bulkhead.Bulkhead;
import dev.resilience.bulkhead.BulkheadConfig;
import dev.resilience.bulkhead.LimitAlgorithm;
import dev.resilience.spring.bulkhead.NetflixLimitAlgorithms;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keys of {@code type: adaptive} bulkheads: how they bind, that they reach the
 * engine, and that each wrong value or misplaced key fails startup naming the key.
 */
class AdaptiveBulkheadPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

	@Test
	void adaptiveInstanceBindsItsKeysOverTheDefaults() {
		this.runner
			.withPropertyValues("resilience.bulkhead.defaults.min-limit=2",
					"resilience.bulkhead.instances.downstream.type=adaptive",
					"resilience.bulkhead.instances.downstream.algorithm=vegas",
					"resilience.bulkhead.instances.downstream.max-limit=50",
					"resilience.bulkhead.instances.downstream.initial-limit=10",
					"resilience.bulkhead.instances.downstream.max-wait-duration=20ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				BulkheadConfig config = context.getBean(ResilienceConfigurations.class).bulkhead("downstream");
				assertThat(config.getType()).isEqualTo(BulkheadConfig.Type.ADAPTIVE);
				assertThat(config.getAlgorithm()).isEqualTo(BulkheadConfig.Algorithm.VEGAS);
				assertThat(config.getMinLimit()).isEqualTo(2);
				assertThat(config.getMaxLimit()).isEqualTo(50);
				assertThat(config.getInitialLimit()).isEqualTo(10);
				Bulkhead bulkhead = context.getBean(ResilienceRegistry.class).bulkhead("downstream");
				assertThat(bulkhead.getMetrics().getLimit()).isEqualTo(10);
			});
	}

	@Test
	void adaptiveInstanceGetsTheDocumentedDefaultsAndTheNetflixAlgorithms() {
		this.runner.withPropertyValues("resilience.bulkhead.instances.downstream.type=adaptive").run((context) -> {
			BulkheadConfig config = context.getBean(ResilienceConfigurations.class).bulkhead("downstream");
			assertThat(config.getAlgorithm()).isEqualTo(BulkheadConfig.Algorithm.GRADIENT2);
			assertThat(config.getMinLimit()).isEqualTo(4);
			assertThat(config.getMaxLimit()).isEqualTo(200);
			assertThat(config.getInitialLimit()).isEqualTo(20);
			assertThat(context).getBean(LimitAlgorithm.Factory.class).isInstanceOf(NetflixLimitAlgorithms.class);
			assertThat(context.getBean(ResilienceRegistry.class).bulkhead("downstream").getMetrics().getLimit())
				.isEqualTo(20);
		});
	}

	@Test
	void applicationsOwnAlgorithmFactoryReplacesTheNetflixOne() {
		this.runner.withPropertyValues("resilience.bulkhead.instances.downstream.type=adaptive")
			.withBean(LimitAlgorithm.Factory.class, () -> (name, config) -> new LimitAlgorithm() {

				@Override
				public int getLimit() {
					return 7;
				}

				@Override
				public void onSample(long startNanos, long rttNanos, int inFlight, boolean dropped) {
				}

			})
			.run((context) -> assertThat(
					context.getBean(ResilienceRegistry.class).bulkhead("downstream").getMetrics().getLimit())
				.isEqualTo(7));
	}

	@Test
	void adaptiveKeysInDefaultsWithoutATypeAreDefaultsForAdaptiveInstancesOnly() {
		this.runner
			.withPropertyValues("resilience.bulkhead.defaults.max-limit=30",
					"resilience.bulkhead.instances.fixed.max-concurrent-calls=3",
					"resilience.bulkhead.instances.moving.type=adaptive")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ResilienceConfigurations.class).bulkhead("moving").getMaxLimit())
					.isEqualTo(30);
			});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					resilience.bulkhead.instances.x.type=adaptive;resilience.bulkhead.instances.x.min-limit=10;resilience.bulkhead.instances.x.max-limit=5     | resilience.bulkhead.instances.x.min-limit     | 10 | must not be larger than max-limit (5)
					resilience.bulkhead.instances.x.type=adaptive;resilience.bulkhead.instances.x.max-limit=10                                                 | resilience.bulkhead.instances.x.max-limit     | 10 | must not be smaller than initial-limit (20)
					resilience.bulkhead.instances.x.type=adaptive;resilience.bulkhead.instances.x.initial-limit=2                                              | resilience.bulkhead.instances.x.initial-limit | 2  | must not be smaller than min-limit (4)
					resilience.bulkhead.instances.x.type=adaptive;resilience.bulkhead.instances.x.initial-limit=300                                            | resilience.bulkhead.instances.x.initial-limit | 300 | must not be larger than max-limit (200)
					resilience.bulkhead.instances.x.type=adaptive;resilience.bulkhead.instances.x.min-limit=0                                                  | resilience.bulkhead.instances.x.min-limit     | 0  | must be at least 1
					resilience.bulkhead.instances.x.type=adaptive;resilience.bulkhead.instances.x.max-limit=-3                                                 | resilience.bulkhead.instances.x.max-limit     | -3 | must be at least 1
					resilience.bulkhead.defaults.initial-limit=0                                                                                                | resilience.bulkhead.defaults.initial-limit    | 0  | must be at least 1
					resilience.bulkhead.instances.x.min-limit=2                                                                                                 | resilience.bulkhead.instances.x.min-limit     | 2  | applies only to a bulkhead of type adaptive, and this one is semaphore
					resilience.bulkhead.instances.x.type=thread-pool;resilience.bulkhead.instances.x.algorithm=aimd                                            | resilience.bulkhead.instances.x.algorithm     | aimd | applies only to a bulkhead of type adaptive, and this one is thread-pool
					resilience.bulkhead.instances.x.type=adaptive;resilience.bulkhead.instances.x.max-concurrent-calls=10                                      | resilience.bulkhead.instances.x.max-concurrent-calls | 10 | does not apply to a bulkhead of type adaptive, whose limit moves between min-limit and max-limit
					resilience.bulkhead.instances.x.type=adaptive;resilience.bulkhead.instances.x.thread-pool.core-size=2                                      | resilience.bulkhead.instances.x.thread-pool.core-size | 2 | does not apply to a bulkhead of type adaptive, whose limit moves between min-limit and max-limit
					resilience.bulkhead.defaults.type=adaptive;resilience.bulkhead.defaults.thread-pool.queue-capacity=5                                       | resilience.bulkhead.defaults.thread-pool.queue-capacity | 5 | does not apply to a bulkhead of type adaptive, whose limit moves between min-limit and max-limit
					resilience.bulkhead.defaults.type=adaptive;resilience.bulkhead.instances.x.max-concurrent-calls=3                                          | resilience.bulkhead.instances.x.max-concurrent-calls | 3 | does not apply to a bulkhead of type adaptive, whose limit moves between min-limit and max-limit
					""")
	void wrongAdaptiveSettingFailsStartupNamingTheKey(String values, String property, String shownValue,
			String requirement) {
		this.runner.withPropertyValues(values.split(";"))
			.run(failsWith(property, "Invalid value '" + shownValue + "' for '" + property + "': " + requirement));
	}

	@Test
	void unknownAlgorithmFailsStartupNamingTheKeyAndTheAcceptedValues() {
		this.runner
			.withPropertyValues("resilience.bulkhead.instances.x.type=adaptive",
					"resilience.bulkhead.instances.x.algorithm=bbr")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = FailureReports.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: resilience.bulkhead.instances.x.algorithm")
					.contains("Value: \"bbr\"");
				assertThat(analysis.getAction()).contains("GRADIENT2").contains("VEGAS").contains("AIMD");
			});
	}

	private static ContextConsumer<AssertableApplicationContext> failsWith(String property, String message) {
		return (context) -> {
			assertThat(context).hasFailed();
			InvalidResiliencePropertyException invalid = FailureReports.findCause(context.getStartupFailure(),
					InvalidResiliencePropertyException.class);
			assertThat(invalid.getPropertyName()).isEqualTo(property);
			assertThat(invalid.getMessage()).isEqualTo(message);
			FailureAnalysis analysis = FailureReports.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).isEqualTo(message);
		};
	}

}
