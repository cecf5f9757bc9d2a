package dev.resilience.spring.coroutines

import java.io.IOException
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.test.advanceUntilIdle
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.assertj.AssertableApplicationContext
import org.springframework.boot.test.context.runner.ApplicationContextRunner

import dev.resilience.ResilienceRegistry
import dev.resilience.annotation.Bulkhead
import dev.resilience.bulkhead.BulkheadFullException
import dev.resilience.bulkhead.LimitAlgorithm
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration
import dev.resilience.spring.autoconfigure.ResilienceRegistryCustomizer
import dev.resilience.testing.FakeTicker

/**
 * A Kotlin `suspend` function behind a `type: adaptive` bulkhead: the permit lives until
 * the call ends, its algorithm hears a return as a success timed by the engine's ticker, a
 * throw as a drop, and nothing of a cancelled coroutine, whose permit still comes back.
 */
@OptIn(ExperimentalCoroutinesApi::class)
class SuspendAdaptiveBulkheadTests {

	private val ticker = FakeTicker()

	private val samples = CopyOnWriteArrayList<String>()

	private val runner = ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration::class.java))
		.withBean(ResilienceRegistryCustomizer::class.java,
				{ ResilienceRegistryCustomizer { builder -> builder.ticker(ticker) } })
		.withBean(LimitAlgorithm.Factory::class.java, { LimitAlgorithm.Factory { _, _ -> Recording(samples) } })
		.withPropertyValues("resilience.bulkhead.instances.adaptive.type=adaptive",
				"resilience.bulkhead.instances.adaptive.min-limit=1",
				"resilience.bulkhead.instances.adaptive.initial-limit=1")
		.withBean(Catalog::class.java)

	@Test
	fun returnIsASuccessTimedByTheTickerAndAThrowIsADrop() = withContext { context, catalog ->
		runTest {
			assertThat(catalog.item { ticker.advance(Duration.ofMillis(30)); "item" }).isEqualTo("item")
			assertThat(runCatching { catalog.item { throw IOException("503") } }.exceptionOrNull())
				.isInstanceOf(IOException::class.java)
			assertThat(samples).containsExactly("ok 30ms", "dropped")
			assertThat(registry(context).bulkhead("adaptive").metrics.availableConcurrentCalls).isEqualTo(1)
		}
	}

	@Test
	fun cancelledCoroutineGivesThePermitBackAndReportsNothing() = withContext { context, catalog ->
		runTest {
			val bulkhead = registry(context).bulkhead("adaptive")
			val hanging = async { catalog.item { awaitCancellation() } }
			runCurrent()
			assertThat(bulkhead.metrics.availableConcurrentCalls).isZero()
			assertThat(runCatching { catalog.item { "refused" } }.exceptionOrNull())
				.isInstanceOf(BulkheadFullException::class.java)
			hanging.cancel()
			advanceUntilIdle()
			assertThat(runCatching { hanging.await() }.exceptionOrNull()).isInstanceOf(CancellationException::class.java)
			assertThat(samples).isEmpty()
			assertThat(bulkhead.metrics.availableConcurrentCalls).isEqualTo(1)
			assertThat(catalog.item { "admitted" }).isEqualTo("admitted")
		}
	}

	private fun withContext(test: (AssertableApplicationContext, Catalog) -> Unit) {
		runner.run { context ->
			assertThat(context).hasNotFailed()
			test(context, context.getBean(Catalog::class.java))
		}
	}

	private fun registry(context: AssertableApplicationContext): ResilienceRegistry =
		context.getBean(ResilienceRegistry::class.java)

	/** A limit of one call, recording what it is told. */
	class Recording(private val samples: MutableList<String>) : LimitAlgorithm {

		override fun getLimit(): Int = 1

		override fun onSample(startNanos: Long, rttNanos: Long, inFlight: Int, dropped: Boolean) {
			samples.add(if (dropped) "dropped" else "ok " + Duration.ofNanos(rttNanos).toMillis() + "ms")
		}

	}

	open class Catalog {

		@Bulkhead(name = "adaptive")
		open suspend fun item(body: suspend () -> String): String = body()

	}

}
