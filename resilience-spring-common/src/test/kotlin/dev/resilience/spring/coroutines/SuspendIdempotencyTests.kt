package dev.resilience.spring.coroutines

import java.io.IOException
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger

import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.async
import kotlinx.coroutines.reactor.asCoroutineContext
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.runner.ApplicationContextRunner
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken
import org.springframework.security.core.authority.AuthorityUtils
import org.springframework.security.core.context.ReactiveSecurityContextHolder

import dev.resilience.annotation.Idempotent
import dev.resilience.idempotency.IdempotencyInProgressException
import dev.resilience.idempotency.IdempotencyKeyReusedException
import dev.resilience.spring.aop.ResilienceAnnotationException
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration
import dev.resilience.spring.testsupport.BootLine

/**
 * `@Idempotent` on a Kotlin `suspend` function: the value stored and replayed is typed by
 * what the function returns in Kotlin (the JVM method returns `Object`), and the key and
 * the fingerprint see the caller's arguments, never the continuation the compiler adds
 * (which differs on every call, so a key or fingerprint reading it would never match).
 * Results complete on the idempotency executor: each test is bounded instead of hanging.
 */
class SuspendIdempotencyTests {

	private val runner = ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration::class.java,
				ResilienceIdempotencyAutoConfiguration::class.java, BootLine.type(BootLine.JACKSON)))

	@Test
	fun sameKeyRunsTheBodyOnceAndReplaysTheValueAsItsKotlinType() = withPayments { payments ->
		val first = payments.charge(5, "k-1")
		val replay = payments.charge(5, "k-1")
		assertThat(payments.invocations()).isOne()
		// Read back as a Receipt, not as the map Jackson makes of an Object.
		assertThat(replay).isInstanceOf(Receipt::class.java)
		assertThat(replay.id).isEqualTo(first.id).isEqualTo("k-1#1")
		assertThat(replay.amount).isEqualTo(5)
		// Another key runs the body again.
		assertThat(payments.charge(5, "k-2").id).isEqualTo("k-2#2")
	}

	@Test
	fun aGenericKotlinResultIsReplayedWithItsElementType() = withPayments { payments ->
		payments.history("h-1")
		val replay = payments.history("h-1")
		assertThat(payments.invocations()).isOne()
		assertThat(replay).hasSize(2)
		assertThat(replay[0]).isInstanceOf(Receipt::class.java)
		assertThat(replay.map { it.id }).containsExactly("h-1#1/a", "h-1#1/b")
	}

	@Test
	fun aUnitFunctionRunsOnceForAKey() = withPayments { payments ->
		payments.notify("n-1")
		payments.notify("n-1")
		payments.notify("n-2")
		assertThat(payments.notified()).containsExactly("n-1", "n-2")
	}

	@Test
	fun theSameKeyWithOtherArgumentsIsAKeyReuse() = withPayments { payments ->
		payments.charge(5, "k-1")
		val reuse = runCatching { payments.charge(6, "k-1") }.exceptionOrNull()
		assertThat(reuse).isInstanceOf(IdempotencyKeyReusedException::class.java)
		assertThat(payments.invocations()).isOne()
	}

	@Test
	fun aFailureReleasesTheKeyAndTheNextCallRunsAgain() = withPayments { payments ->
		payments.failNext(IOException("card network down"))
		assertThat(runCatching { payments.charge(5, "k-1") }.exceptionOrNull()).isInstanceOf(IOException::class.java)
		assertThat(payments.charge(5, "k-1").id).isEqualTo("k-1#2")
		assertThat(payments.charge(5, "k-1").id).isEqualTo("k-1#2")
		assertThat(payments.invocations()).isEqualTo(2)
	}

	@Test
	fun aCallerCancelledWhileTheFirstCallRunsLeavesItsResultStored() = withPayments { payments ->
		val gate = CompletableDeferred<Unit>()
		payments.holdNext(gate)
		val caller = async { payments.charge(5, "k-1") }
		while (payments.invocations() == 0) {
			yield()
		}
		// A second caller with the key is refused while the first runs.
		assertThat(runCatching { payments.charge(5, "k-1") }.exceptionOrNull())
			.isInstanceOf(IdempotencyInProgressException::class.java)
		caller.cancel()
		gate.complete(Unit)
		// The first call runs to its end although its caller left; its result is stored.
		var replay: Receipt? = null
		while (replay == null) {
			replay = runCatching { payments.charge(5, "k-1") }.getOrNull()
			yield()
		}
		assertThat(replay.id).isEqualTo("k-1#1")
		assertThat(payments.invocations()).isOne()
	}

	@Test
	fun thePrincipalOfTheCallersReactorContextScopesTheKey() = withPayments { payments ->
		// Spring Security is on the classpath: the scope is per principal by default.
		val alice = withContext(principal("alice")) { payments.charge(5, "k-1") }
		val bob = withContext(principal("bob")) { payments.charge(5, "k-1") }
		val aliceAgain = withContext(principal("alice")) { payments.charge(5, "k-1") }
		assertThat(alice.id).isEqualTo("k-1#1")
		assertThat(bob.id).isEqualTo("k-1#2")
		assertThat(aliceAgain.id).isEqualTo("k-1#1")
		assertThat(payments.invocations()).isEqualTo(2)
	}

	@Test
	fun aKeyReadingPastTheDeclaredParametersFailsStartup() {
		// p1 would be the continuation: not a parameter the caller passes.
		runner.withBean(PastTheParameters::class.java).run { context ->
			assertThat(context).hasFailed()
			assertThat(context.startupFailure).rootCause()
				.isInstanceOf(ResilienceAnnotationException::class.java)
				.hasMessageContaining("#p1 refers past the method's 1 parameter")
		}
	}

	private fun withPayments(test: suspend kotlinx.coroutines.CoroutineScope.(Payments) -> Unit) {
		runner.withBean(Payments::class.java).run { context ->
			assertThat(context).hasNotFailed()
			val payments = context.getBean(Payments::class.java)
			runBlocking { withTimeout(30_000) { test(payments) } }
		}
	}

	/** A coroutine context whose Reactor context holds `name`'s security context, as WebFlux sets it. */
	private fun principal(name: String) = ReactiveSecurityContextHolder
		.withAuthentication(UsernamePasswordAuthenticationToken(name, "n/a", AuthorityUtils.NO_AUTHORITIES))
		.asCoroutineContext()

	/** Read back by Jackson through its no-argument constructor. */
	class Receipt {

		var id: String = ""

		var amount: Int = 0

	}

	open class Payments {

		private val invocations = AtomicInteger()

		private val notified = CopyOnWriteArrayList<String>()

		private val failures = CopyOnWriteArrayList<Throwable>()

		private val gates = CopyOnWriteArrayList<CompletableDeferred<Unit>>()

		open fun invocations(): Int = invocations.get()

		open fun notified(): List<String> = notified

		open fun failNext(failure: Throwable) {
			failures.add(failure)
		}

		open fun holdNext(gate: CompletableDeferred<Unit>) {
			gates.add(gate)
		}

		/** The key is the last declared parameter, just before the continuation. */
		@Idempotent(key = "#key")
		open suspend fun charge(amount: Int, key: String): Receipt {
			val call = invocations.incrementAndGet()
			if (gates.isNotEmpty()) {
				gates.removeAt(0).await()
			}
			if (failures.isNotEmpty()) {
				throw failures.removeAt(0)
			}
			return Receipt().also {
				it.id = "$key#$call"
				it.amount = amount
			}
		}

		@Idempotent(key = "#p0")
		open suspend fun history(key: String): List<Receipt> {
			val call = invocations.incrementAndGet()
			return listOf("a", "b").map { suffix -> Receipt().also { it.id = "$key#$call/$suffix" } }
		}

		@Idempotent(key = "#key")
		open suspend fun notify(key: String) {
			yield()
			notified.add(key)
		}

	}

	open class PastTheParameters {

		@Idempotent(key = "#p1")
		open suspend fun load(id: String): String = id

	}

}
