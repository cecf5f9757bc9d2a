package dev.resilience.spring.coroutines

import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.async
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.runner.ApplicationContextRunner
import dev.resilience.annotation.CircuitBreaker
import dev.resilience.chaos.ChaosConfig
import dev.resilience.chaos.ChaosRegistry
import dev.resilience.chaos.InjectedFaultException
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration
import dev.resilience.spring.autoconfigure.ResilienceRegistryCustomizer
import dev.resilience.testing.FakeScheduler
import dev.resilience.testing.FakeTicker

/**
 * Kotlin `suspend` functions get chaos like a `Mono`: an injected error is thrown from the
 * call and the body never runs; injected latency suspends the caller on the engine's
 * scheduler (a fake one here) without blocking a thread.
 */
@OptIn(ExperimentalCoroutinesApi::class)
class SuspendChaosTests {

	private val ticker = FakeTicker()

	private val scheduler = FakeScheduler(ticker)

	private val runner = ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration::class.java))
		.withBean(ResilienceRegistryCustomizer::class.java,
				{ ResilienceRegistryCustomizer { builder -> builder.ticker(ticker).scheduler(scheduler) } })
		.withPropertyValues("resilience.chaos.enabled=true")
		.withBean(Stock::class.java)

	@Test
	fun injectedErrorIsThrownAndTheBodyNeverRuns() {
		runner.run { context ->
			val stock = context.getBean(Stock::class.java)
			context.getBean(ChaosRegistry::class.java).chaos("kotlin")
				.changeConfig(ChaosConfig.custom().errorRate(1.0).build())
			runTest {
				val failure = runCatching { stock.count() }.exceptionOrNull()
				assertThat(failure).isInstanceOf(InjectedFaultException::class.java)
			}
			assertThat(stock.calls()).isEqualTo(0)
		}
	}

	@Test
	fun injectedLatencySuspendsUntilTheSchedulerRuns() {
		runner.run { context ->
			val stock = context.getBean(Stock::class.java)
			context.getBean(ChaosRegistry::class.java).chaos("kotlin")
				.changeConfig(ChaosConfig.custom().latency(Duration.ofSeconds(1)).latencyRate(1.0).build())
			runTest {
				val result = async { stock.count() }
				runCurrent()
				assertThat(result.isCompleted).isFalse()
				assertThat(stock.calls()).isEqualTo(0)
				scheduler.advance(Duration.ofSeconds(1))
				assertThat(result.await()).isEqualTo(3)
			}
			assertThat(stock.calls()).isEqualTo(1)
		}
	}

	open class Stock {

		private val calls = AtomicInteger()

		open fun calls(): Int = calls.get()

		@CircuitBreaker(name = "kotlin")
		open suspend fun count(): Int {
			calls.incrementAndGet()
			return 3
		}

	}

}
