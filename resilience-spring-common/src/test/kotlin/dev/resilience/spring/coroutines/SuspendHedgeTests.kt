package dev.resilience.spring.coroutines

import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.test.advanceUntilIdle
import kotlinx.coroutines.test.runTest
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.runner.ApplicationContextRunner

import dev.resilience.ResilienceRegistry
import dev.resilience.annotation.Bulkhead
import dev.resilience.annotation.Hedge
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration
import dev.resilience.spring.autoconfigure.ResilienceRegistryCustomizer
import dev.resilience.testing.FakeScheduler
import dev.resilience.testing.FakeTicker

/**
 * A Kotlin `suspend` function takes `@Hedge` through the `Mono` path: after the delay (on
 * the engine's fake scheduler) the body runs again beside the first call, the first answer
 * wins, and the losing body's coroutine is cancelled, giving its bulkhead permit back.
 */
@OptIn(ExperimentalCoroutinesApi::class)
class SuspendHedgeTests {

	private val ticker = FakeTicker()

	private val scheduler = FakeScheduler(ticker)

	private val runner = ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration::class.java))
		.withBean(ResilienceRegistryCustomizer::class.java,
				{ ResilienceRegistryCustomizer { builder -> builder.ticker(ticker).scheduler(scheduler) } })
		.withPropertyValues("resilience.hedge.instances.kotlin.delay=50ms",
				"resilience.hedge.instances.kotlin.budget.ratio=1",
				"resilience.bulkhead.instances.kotlin.max-concurrent-calls=2")
		.withBean(Prices::class.java)

	@Test
	fun slowBodyIsHedgedAndTheLoserIsCancelled() {
		runner.run { context ->
			val prices = context.getBean(Prices::class.java)
			val registry = context.getBean(ResilienceRegistry::class.java)
			runTest {
				prices.next({ awaitCancellation() }, { delay(5); "hedge" })
				val call = async { prices.price() }
				advanceUntilIdle()
				assertThat(prices.invocations()).isEqualTo(1)
				assertThat(call.isCompleted).isFalse()
				scheduler.advance(Duration.ofMillis(50))
				advanceUntilIdle()
				assertThat(prices.invocations()).isEqualTo(2)
				assertThat(call.await()).isEqualTo("hedge")
				assertThat(prices.cancellations()).isEqualTo(1)
				assertThat(registry.bulkhead("kotlin").metrics.availableConcurrentCalls).isEqualTo(2)
				assertThat(registry.hedge("kotlin").metrics.numberOfHedgeWonCalls).isEqualTo(1)
			}
		}
	}

	/** Each call's body is the next answer given to [next]. */
	open class Prices {

		private val invocations = AtomicInteger()

		private val cancellations = AtomicInteger()

		private val answers = CopyOnWriteArrayList<suspend () -> String>()

		/** Read through the proxy, whose own fields are empty. */
		open fun invocations(): Int = invocations.get()

		open fun cancellations(): Int = cancellations.get()

		open fun next(vararg bodies: suspend () -> String) {
			answers.addAll(bodies)
		}

		@Hedge(name = "kotlin")
		@Bulkhead(name = "kotlin")
		open suspend fun price(): String {
			invocations.incrementAndGet()
			val body = answers.removeAt(0)
			try {
				return body()
			}
			catch (ex: CancellationException) {
				cancellations.incrementAndGet()
				throw ex
			}
		}

	}

}
