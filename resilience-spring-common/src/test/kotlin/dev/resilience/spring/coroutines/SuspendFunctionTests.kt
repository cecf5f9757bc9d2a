package dev.resilience.spring.coroutines

import java.io.IOException
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.async
import kotlinx.coroutines.asContextElement
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
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
import dev.resilience.annotation.CircuitBreaker
import dev.resilience.annotation.Fallback
import dev.resilience.annotation.RateLimiter
import dev.resilience.annotation.Retry
import dev.resilience.annotation.Timeout
import dev.resilience.bulkhead.BulkheadFullException
import dev.resilience.circuitbreaker.CallNotPermittedException
import dev.resilience.ratelimiter.RequestNotPermittedException
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration
import dev.resilience.spring.autoconfigure.ResilienceRegistryCustomizer
import dev.resilience.spring.testsupport.BootLine
import dev.resilience.testing.FakeScheduler
import dev.resilience.testing.FakeTicker
import dev.resilience.timeout.TimeoutExceededException

/**
 * Kotlin `suspend` functions get every annotation with the semantics of a `Mono`, through
 * Spring's coroutine support: each call is one subscription, retries wait on the engine's
 * scheduler (a fake one here) and re-run the body without blocking a thread, the breaker
 * records the outcome and nothing on cancel, a bulkhead permit lives until the call ends or
 * its coroutine is cancelled, a fallback may suspend or not, and the caller's coroutine
 * context follows every attempt. Bodies `delay()` in the virtual time of [runTest].
 */
@OptIn(ExperimentalCoroutinesApi::class)
class SuspendFunctionTests {

	private val ticker = FakeTicker()

	private val scheduler = FakeScheduler(ticker)

	private val runner = ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration::class.java,
				ResilienceIdempotencyAutoConfiguration::class.java, BootLine.type(BootLine.JACKSON)))
		.withBean(ResilienceRegistryCustomizer::class.java,
				{ ResilienceRegistryCustomizer { builder -> builder.ticker(ticker).scheduler(scheduler) } })
		.withPropertyValues("resilience.retry.instances.kotlin.max-attempts=3",
				"resilience.retry.instances.kotlin.wait-duration=100ms",
				"resilience.retry.instances.kotlin.jitter=none", "resilience.retry.instances.kotlin.backoff=fixed",
				"resilience.retry.instances.kotlin.budget.enabled=false",
				"resilience.circuit-breaker.instances.kotlin.sliding-window-size=4",
				"resilience.circuit-breaker.instances.kotlin.minimum-number-of-calls=4",
				"resilience.circuit-breaker.instances.kotlin.failure-rate-threshold=50",
				"resilience.circuit-breaker.instances.kotlin.permitted-number-of-calls-in-half-open-state=1",
				"resilience.bulkhead.instances.kotlin.max-concurrent-calls=1",
				"resilience.timeout.instances.kotlin.duration=200ms",
				"resilience.rate-limiter.instances.kotlin.limit-for-period=1",
				"resilience.rate-limiter.instances.kotlin.limit-refresh-period=1s")
		.withBean(Inventory::class.java)

	@Test
	fun breakerOpensAfterFailuresAndRefusesAtCall() = withContext { context, inventory ->
		runTest {
			repeat(4) {
				inventory.next { throw IOException("down") }
				assertThat(runCatching { inventory.guarded() }.exceptionOrNull()).isInstanceOf(IOException::class.java)
			}
			val breaker = registry(context).circuitBreaker("kotlin")
			assertThat(breaker.state).isEqualTo(dev.resilience.circuitbreaker.CircuitBreaker.State.OPEN)
			assertThat(breaker.metrics.numberOfFailedCalls).isEqualTo(4)
			inventory.next { "never" }
			val refused = runCatching { inventory.guarded() }.exceptionOrNull()
			assertThat(refused).isInstanceOf(CallNotPermittedException::class.java)
			assertThat(inventory.invocations()).isEqualTo(4)
			assertThat(breaker.metrics.numberOfNotPermittedCalls).isEqualTo(1)
		}
	}

	@Test
	fun successIsRecordedWhenTheBodyEndsNotWhenItStarts() = withContext { context, inventory ->
		runTest {
			inventory.next { delay(500); "late" }
			val call = async { inventory.guarded() }
			runCurrent()
			val breaker = registry(context).circuitBreaker("kotlin")
			assertThat(inventory.invocations()).isEqualTo(1)
			assertThat(breaker.metrics.numberOfBufferedCalls).isZero()
			advanceUntilIdle()
			assertThat(call.await()).isEqualTo("late")
			assertThat(breaker.metrics.numberOfSuccessfulCalls).isEqualTo(1)
		}
	}

	@Test
	fun retryRerunsTheBodyOnTheEngineSchedulerWithoutBlocking() = withContext { context, inventory ->
		runTest {
			inventory.next({ delay(50); throw IOException("1") }, { delay(50); throw IOException("2") },
					{ delay(50); "third" })
			val call = async { inventory.retried() }
			advanceUntilIdle()
			// The first attempt failed after its virtual delay; the retry waits on the engine's
			// scheduler, holding no thread: this test's one thread goes on.
			assertThat(inventory.invocations()).isEqualTo(1)
			assertThat(scheduler.pendingTasks()).isEqualTo(1)
			assertThat(call.isCompleted).isFalse()
			scheduler.advance(Duration.ofMillis(100))
			advanceUntilIdle()
			assertThat(inventory.invocations()).isEqualTo(2)
			scheduler.advance(Duration.ofMillis(100))
			advanceUntilIdle()
			assertThat(inventory.invocations()).isEqualTo(3)
			assertThat(call.await()).isEqualTo("third")
			val metrics = registry(context).retry("kotlin").metrics
			assertThat(metrics.numberOfSuccessfulCallsWithRetryAttempt).isEqualTo(1)
			assertThat(metrics.numberOfRetryAttempts).isEqualTo(2)
		}
	}

	@Test
	fun retryExhaustsAndThrowsTheLastFailure() = withContext { context, inventory ->
		runTest {
			inventory.next({ throw IOException("1") }, { throw IOException("2") }, { throw IOException("3") })
			val call = async { runCatching { inventory.retried() } }
			advanceUntilIdle()
			scheduler.advance(Duration.ofMillis(100))
			advanceUntilIdle()
			scheduler.advance(Duration.ofMillis(100))
			advanceUntilIdle()
			val failure = call.await().exceptionOrNull()
			assertThat(failure).isInstanceOf(IOException::class.java).hasMessage("3")
			assertThat(inventory.invocations()).isEqualTo(3)
			assertThat(registry(context).retry("kotlin").metrics.numberOfFailedCallsWithRetryAttempt).isEqualTo(1)
		}
	}

	@Test
	fun cancellingTheCallerDuringTheBackoffStopsRetrying() = withContext { context, inventory ->
		runTest {
			inventory.next({ throw IOException("1") }, { "never reached" })
			val call = async { inventory.retried() }
			advanceUntilIdle()
			assertThat(scheduler.pendingTasks()).isEqualTo(1)
			call.cancel()
			advanceUntilIdle()
			scheduler.advance(Duration.ofSeconds(1))
			advanceUntilIdle()
			assertThat(inventory.invocations()).isEqualTo(1)
			assertThat(registry(context).retry("kotlin").metrics.numberOfFailedCallsWithoutRetryAttempt).isEqualTo(1)
		}
	}

	@Test
	fun cancellingTheCallerFreesTheBulkheadPermitAndRecordsNothing() = withContext { context, inventory ->
		runTest {
			val bulkhead = registry(context).bulkhead("kotlin")
			val breaker = registry(context).circuitBreaker("kotlin")
			inventory.next { awaitCancellation() }
			val hanging = async { inventory.bulkheaded() }
			runCurrent()
			assertThat(bulkhead.metrics.availableConcurrentCalls).isZero()
			inventory.next { "refused before it runs" }
			assertThat(runCatching { inventory.bulkheaded() }.exceptionOrNull())
				.isInstanceOf(BulkheadFullException::class.java)
			// The refusal reached the breaker (outside the bulkhead) as a failure; the hanging
			// call, still running, is not recorded yet.
			assertThat(breaker.metrics.numberOfBufferedCalls).isEqualTo(1)
			hanging.cancel()
			advanceUntilIdle()
			assertThat(runCatching { hanging.await() }.exceptionOrNull()).isInstanceOf(CancellationException::class.java)
			assertThat(bulkhead.metrics.availableConcurrentCalls).isEqualTo(1)
			// The cancel recorded nothing.
			assertThat(breaker.metrics.numberOfBufferedCalls).isEqualTo(1)
			assertThat(breaker.metrics.numberOfFailedCalls).isEqualTo(1)
			// The permit is free: the next call runs.
			assertThat(inventory.bulkheaded()).isEqualTo("refused before it runs")
			assertThat(inventory.invocations()).isEqualTo(2)
			assertThat(breaker.metrics.numberOfSuccessfulCalls).isEqualTo(1)
		}
	}

	@Test
	fun timeoutEndsAHungSuspendFunctionAtItsDeadlineAndCancelsItsBody() = withContext { context, inventory ->
		runTest {
			val bodyCancelled = AtomicInteger()
			inventory.next {
				try {
					awaitCancellation()
				}
				finally {
					bodyCancelled.incrementAndGet()
				}
			}
			val call = async { runCatching { inventory.timed() }.exceptionOrNull() }
			advanceUntilIdle()
			assertThat(call.isCompleted).isFalse()
			scheduler.advance(Duration.ofMillis(199))
			advanceUntilIdle()
			assertThat(call.isCompleted).`as`("one millisecond before the deadline").isFalse()
			scheduler.advance(Duration.ofMillis(1))
			advanceUntilIdle()
			assertThat(call.await()).isInstanceOf(TimeoutExceededException::class.java)
			assertThat(bodyCancelled.get()).`as`("the body saw its cancellation").isEqualTo(1)
			val timeout = registry(context).timeout("kotlin")
			assertThat(timeout.metrics.numberOfTimedOutCalls).isEqualTo(1)
			inventory.next { "in time" }
			assertThat(inventory.timed()).isEqualTo("in time")
			assertThat(timeout.metrics.numberOfSuccessfulCalls).isEqualTo(1)
		}
	}

	@Test
	fun rateLimiterRefusesACallBeyondItsLimitBeforeTheBodyRuns() = withContext { context, inventory ->
		runTest {
			inventory.next({ "first" }, { "never" })
			assertThat(inventory.limited()).isEqualTo("first")
			val refused = runCatching { inventory.limited() }.exceptionOrNull()
			assertThat(refused).isInstanceOf(RequestNotPermittedException::class.java)
			assertThat((refused as RequestNotPermittedException).retryAfter).isEqualTo(Duration.ofSeconds(1))
			assertThat(inventory.invocations()).isEqualTo(1)
			val limiter = registry(context).rateLimiter("kotlin")
			assertThat(limiter.metrics.numberOfPermittedCalls).isEqualTo(1)
			assertThat(limiter.metrics.numberOfRejectedCalls).isEqualTo(1)
		}
	}

	@Test
	fun cancellingTheCallerGivesTheHalfOpenTrialPermitBack() = withContext { context, inventory ->
		runTest {
			val breaker = registry(context).circuitBreaker("kotlin")
			breaker.transitionToHalfOpenState()
			inventory.next({ awaitCancellation() }, { "trial" })
			val hanging = async { inventory.guarded() }
			runCurrent()
			// The one trial permit is taken: a second call is refused.
			assertThat(runCatching { inventory.guarded() }.exceptionOrNull())
				.isInstanceOf(CallNotPermittedException::class.java)
			hanging.cancel()
			advanceUntilIdle()
			assertThat(breaker.metrics.numberOfBufferedCalls).isZero()
			// The permit is free again: the next call is admitted and closes the breaker.
			assertThat(inventory.guarded()).isEqualTo("trial")
			assertThat(breaker.state).isEqualTo(dev.resilience.circuitbreaker.CircuitBreaker.State.CLOSED)
		}
	}

	@Test
	fun suspendFallbackAnswersAFailureInTheCallersContext() = withContext { _, inventory ->
		runTest {
			inventory.next { delay(10); throw IOException("down") }
			val answer = async(TENANT.asContextElement("acme")) { inventory.withSuspendFallback("a") }
			advanceUntilIdle()
			assertThat(answer.await()).isEqualTo("cached a after down for acme")
			inventory.next { "fine" }
			assertThat(inventory.withSuspendFallback("b")).isEqualTo("fine")
		}
	}

	@Test
	fun plainFallbackAnswersAFailure() = withContext { _, inventory ->
		runTest {
			inventory.next { throw IOException("down") }
			assertThat(inventory.withPlainFallback("a")).isEqualTo("plain a")
			inventory.next { throw IllegalStateException("not handled") }
			assertThat(runCatching { inventory.withTypedPlainFallback("a") }.exceptionOrNull())
				.isInstanceOf(IllegalStateException::class.java)
			inventory.next { throw IOException("io") }
			assertThat(inventory.withTypedPlainFallback("a")).isEqualTo("typed a after io")
		}
	}

	@Test
	fun callersCoroutineContextFollowsEveryRetry() = withContext { _, inventory ->
		runTest {
			// The test's own coroutine has no tenant: only the caller's context carries it, so
			// a retry running outside that context would see null.
			assertThat(TENANT.get()).isNull()
			inventory.next({ throw IOException("1") }, { throw IOException("2") }, { "third" })
			val call = async(TENANT.asContextElement("acme")) { inventory.retried() }
			advanceUntilIdle()
			scheduler.advance(Duration.ofMillis(100))
			advanceUntilIdle()
			scheduler.advance(Duration.ofMillis(100))
			advanceUntilIdle()
			assertThat(call.await()).isEqualTo("third")
			assertThat(inventory.tenants()).containsExactly("acme", "acme", "acme")
		}
	}

	private fun withContext(test: (AssertableApplicationContext, Inventory) -> Unit) {
		runner.run { context ->
			assertThat(context).hasNotFailed()
			test(context, context.getBean(Inventory::class.java))
		}
	}

	private fun registry(context: AssertableApplicationContext): ResilienceRegistry =
		context.getBean(ResilienceRegistry::class.java)

	companion object {

		/** Stands for MDC, a security context or a trace: a thread-bound value. */
		val TENANT: ThreadLocal<String> = ThreadLocal()

	}

	/** Each call's body is the next answer given to [next]; every attempt counts. */
	open class Inventory {

		private val invocations = AtomicInteger()

		private val tenants = CopyOnWriteArrayList<String?>()

		private val answers = CopyOnWriteArrayList<suspend () -> String>()

		/** Read through the proxy, whose own fields are empty. */
		open fun invocations(): Int = invocations.get()

		open fun tenants(): List<String?> = tenants

		open fun next(vararg bodies: suspend () -> String) {
			answers.addAll(bodies)
		}

		open fun next(body: suspend () -> String) {
			answers.add(body)
		}

		private suspend fun answer(): String {
			invocations.incrementAndGet()
			tenants.add(TENANT.get())
			return answers.removeAt(0)()
		}

		@CircuitBreaker(name = "kotlin")
		open suspend fun guarded(): String = answer()

		@Retry(name = "kotlin")
		open suspend fun retried(): String = answer()

		@Timeout(name = "kotlin")
		open suspend fun timed(): String = answer()

		@RateLimiter(name = "kotlin")
		open suspend fun limited(): String = answer()

		@Bulkhead(name = "kotlin")
		@CircuitBreaker(name = "kotlin")
		open suspend fun bulkheaded(): String = answer()

		@Fallback(method = "cached")
		open suspend fun withSuspendFallback(id: String): String = answer()

		open suspend fun cached(id: String, failure: IOException): String {
			delay(10)
			return "cached $id after ${failure.message} for ${TENANT.get()}"
		}

		@Fallback(method = "plain")
		open suspend fun withPlainFallback(id: String): String = answer()

		open fun plain(id: String): String = "plain $id"

		@Fallback(method = "typedPlain")
		open suspend fun withTypedPlainFallback(id: String): String = answer()

		open fun typedPlain(id: String, failure: IOException): String = "typed $id after ${failure.message}"

	}

}
