package dev.resilience.spring.coroutines

import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger

import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.test.advanceUntilIdle
import kotlinx.coroutines.test.runTest
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.runner.ApplicationContextRunner

import dev.resilience.ResilienceRegistry
import dev.resilience.annotation.Retry
import dev.resilience.spring.aop.ResilienceAnnotationException
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration
import dev.resilience.spring.autoconfigure.ResilienceRegistryCustomizer
import dev.resilience.testing.FakeScheduler
import dev.resilience.testing.FakeTicker

/**
 * `@Retry(retryOnResult = ...)` on Kotlin `suspend` functions: the expression sees the value
 * as Kotlin returns it and the declared parameters (the continuation is not one), a rejected
 * value is retried on the engine's scheduler, and the last one is returned when attempts run
 * out.
 */
@OptIn(ExperimentalCoroutinesApi::class)
class RetryOnResultSuspendTests {

	private val ticker = FakeTicker()

	private val scheduler = FakeScheduler(ticker)

	private val runner = ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration::class.java))
		.withBean(ResilienceRegistryCustomizer::class.java,
				{ ResilienceRegistryCustomizer { builder -> builder.ticker(ticker).scheduler(scheduler) } })
		.withPropertyValues("resilience.retry.instances.kotlin.max-attempts=3",
				"resilience.retry.instances.kotlin.wait-duration=100ms",
				"resilience.retry.instances.kotlin.jitter=none", "resilience.retry.instances.kotlin.backoff=fixed",
				"resilience.retry.instances.kotlin.budget.enabled=false")

	@Test
	fun retriesARejectedValueUntilOneIsAccepted() = withOrders("PENDING", "DONE") { registry, orders ->
		runTest {
			val call = async { orders.status("o-1") }
			advanceUntilIdle()
			assertThat(orders.calls()).isEqualTo(1)
			assertThat(call.isCompleted).isFalse()
			scheduler.advance(Duration.ofMillis(100))
			advanceUntilIdle()
			assertThat(call.await()).isEqualTo("DONE")
			assertThat(orders.ids()).containsExactly("o-1", "o-1")
			val metrics = registry.retry("kotlin").metrics
			assertThat(metrics.numberOfSuccessfulCallsWithRetryAttempt).isEqualTo(1)
			assertThat(metrics.numberOfRetryAttempts).isEqualTo(1)
		}
	}

	@Test
	fun returnsTheLastRejectedValueWhenAttemptsRunOut() = withOrders("PENDING") { registry, orders ->
		runTest {
			val call = async { orders.status("o-1") }
			advanceUntilIdle()
			scheduler.advance(Duration.ofMillis(100))
			advanceUntilIdle()
			scheduler.advance(Duration.ofMillis(100))
			advanceUntilIdle()
			assertThat(call.await()).isEqualTo("PENDING")
			assertThat(orders.calls()).isEqualTo(3)
			assertThat(registry.retry("kotlin").metrics.numberOfFailedCallsWithRetryAttempt).isEqualTo(1)
		}
	}

	@Test
	fun theExpressionComparesWithAParameter() = withOrders("1", "2", "5") { _, orders ->
		runTest {
			val call = async { orders.atLeast(4) }
			advanceUntilIdle()
			scheduler.advance(Duration.ofMillis(100))
			advanceUntilIdle()
			scheduler.advance(Duration.ofMillis(100))
			advanceUntilIdle()
			assertThat(call.await()).isEqualTo(5)
			assertThat(orders.calls()).isEqualTo(3)
		}
	}

	@Test
	fun theContinuationIsNotAParameter() {
		runner.withBean(PastTheParameters::class.java).run { context ->
			assertThat(context).hasFailed()
			var failure: Throwable? = context.startupFailure
			while (failure != null && failure !is ResilienceAnnotationException) {
				failure = failure.cause
			}
			assertThat(failure).isNotNull()
				.hasMessageContaining("#p1 is neither #result nor a parameter of PastTheParameters.status(String)")
		}
	}

	private fun withOrders(vararg answers: String, test: (ResilienceRegistry, Orders) -> Unit) {
		runner.withBean(Orders::class.java, { Orders(listOf(*answers)) }).run { context ->
			assertThat(context).hasNotFailed()
			test(context.getBean(ResilienceRegistry::class.java), context.getBean(Orders::class.java))
		}
	}

	open class Orders(private val answers: List<String>) {

		private val calls = AtomicInteger()

		private val ids = CopyOnWriteArrayList<String>()

		open fun calls(): Int = calls.get()

		open fun ids(): List<String> = ids

		private suspend fun next(): String {
			delay(10)
			val call = calls.getAndIncrement()
			return answers[minOf(call, answers.size - 1)]
		}

		@Retry(name = "kotlin", retryOnResult = "#result == 'PENDING'")
		open suspend fun status(id: String): String {
			ids.add(id)
			return next()
		}

		@Retry(name = "kotlin", retryOnResult = "#result < #minimum")
		open suspend fun atLeast(minimum: Int): Int = next().toInt()

	}

	open class PastTheParameters {

		@Retry(name = "kotlin", retryOnResult = "#result == #p1")
		open suspend fun status(id: String): String = id

	}

}
