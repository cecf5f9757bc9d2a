package dev.resilience.spring.coroutines

import java.io.IOException
import java.io.InputStream

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flowOf
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.runner.ApplicationContextRunner
import reactor.core.publisher.Mono

import dev.resilience.annotation.CircuitBreaker
import dev.resilience.annotation.Fallback
import dev.resilience.annotation.Idempotent
import dev.resilience.annotation.Timeout
import dev.resilience.fallback.FallbackResolutionException
import dev.resilience.spring.aop.ResilienceAnnotationException
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration
import dev.resilience.spring.testsupport.BootLine

/**
 * What cannot work on a suspend function fails startup with a message naming the method and
 * what to do instead: nothing is left silently unprotected.
 */
class SuspendFunctionStartupTests {

	private val runner = ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration::class.java,
				ResilienceIdempotencyAutoConfiguration::class.java, BootLine.type(BootLine.JACKSON)))

	@Test
	fun timeoutOnASuspendFunctionStartsNowThatTheMonoPathBoundsIt() {
		runner.withBean(TimedSuspend::class.java).run { context -> assertThat(context).hasNotFailed() }
	}

	@Test
	fun idempotentOnASuspendFunctionStartsNowThatItsKotlinResultTypeIsStored() {
		// Its behaviour is in SuspendIdempotencyTests.
		runner.withBean(IdempotentSuspend::class.java).run { context -> assertThat(context).hasNotFailed() }
	}

	@Test
	fun suspendFunctionReturningAFlowFailsStartup() {
		assertStartupFails(FlowSuspend::class.java, ResilienceAnnotationException::class.java,
				"@CircuitBreaker on FlowSuspend.load(Continuation): a suspend function returning"
						+ " kotlinx.coroutines.flow.Flow hands back asynchronous work the annotations cannot follow")
	}

	@Test
	fun suspendFunctionReturningAMonoFailsStartup() {
		assertStartupFails(MonoSuspend::class.java, ResilienceAnnotationException::class.java,
				"@CircuitBreaker on MonoSuspend.load(Continuation): a suspend function returning"
						+ " reactor.core.publisher.Mono hands back asynchronous work")
	}

	@Test
	fun finalSuspendFunctionFailsStartup() {
		// Kotlin's functions are final unless opened: the proxy could not intercept it.
		assertStartupFails(FinalSuspend::class.java, ResilienceAnnotationException::class.java,
				"@CircuitBreaker on FinalSuspend.load(Continuation): the method is final")
	}

	@Test
	fun fallbackThatFitsNeitherWayFailsStartupSayingWhatWasFound() {
		runner.withBean(MismatchedFallback::class.java).run { context ->
			assertThat(context).hasFailed()
			assertThat(context.startupFailure).rootCause()
				.isInstanceOf(FallbackResolutionException::class.java)
				.hasMessage("@Fallback(method = \"recover\") on MismatchedFallback.load(String, Continuation): no"
						+ " method recover(String[, Throwable]) returning String, suspending or not, in"
						+ " MismatchedFallback; found suspend recover(String, Throwable), which returns Integer, not"
						+ " assignable to String; found recover(int), whose parameter 1 is int where String is needed")
		}
	}

	@Test
	fun missingCoroutinesReactorIsNamedAsTheDependencyToAdd() {
		val hiding = Hiding(javaClass.classLoader, "kotlinx.coroutines.reactor.")
		val functions = Class.forName("dev.resilience.spring.aop.SuspendingFunctions", true, hiding)
		val missing = functions.getDeclaredMethod("missingDependency")
		missing.isAccessible = true
		assertThat(missing.invoke(null)).isEqualTo("org.jetbrains.kotlinx:kotlinx-coroutines-reactor")
		// On the test classpath, with everything present, nothing is missing.
		val present = Class.forName("dev.resilience.spring.aop.SuspendingFunctions").getDeclaredMethod("missingDependency")
		present.isAccessible = true
		assertThat(present.invoke(null)).isNull()
	}

	private fun assertStartupFails(type: Class<*>, failure: Class<out Throwable>, messageStart: String) {
		runner.withBean(type).run { context ->
			assertThat(context).hasFailed()
			assertThat(context.startupFailure).rootCause().isInstanceOf(failure).hasMessageStartingWith(messageStart)
		}
	}

	open class TimedSuspend {

		@CircuitBreaker(name = "inventory")
		@Timeout(name = "inventory")
		open suspend fun load(): String = "x"

	}

	open class IdempotentSuspend {

		@Idempotent(key = "#id")
		open suspend fun load(id: String): String = id

	}

	open class FlowSuspend {

		@CircuitBreaker(name = "inventory")
		open suspend fun load(): Flow<String> = flowOf("x")

	}

	open class MonoSuspend {

		@CircuitBreaker(name = "inventory")
		open suspend fun load(): Mono<String> = Mono.just("x")

	}

	open class FinalSuspend {

		@CircuitBreaker(name = "inventory")
		suspend fun load(): String = "x"

	}

	open class MismatchedFallback {

		@Fallback(method = "recover")
		open suspend fun load(id: String): String = throw IOException(id)

		open fun recover(id: Int): String = "x"

		open suspend fun recover(id: String, failure: Throwable): Int = 0

	}

	/**
	 * Defines the starter's Spring classes itself, so that they look for classes through it,
	 * and hides the packages given; everything else comes from the parent.
	 */
	private class Hiding(parent: ClassLoader, private val hidden: String) : ClassLoader(parent) {

		override fun loadClass(name: String, resolve: Boolean): Class<*> {
			if (name.startsWith(hidden)) {
				throw ClassNotFoundException(name)
			}
			if (!name.startsWith("dev.resilience.spring.")) {
				return super.loadClass(name, resolve)
			}
			synchronized(getClassLoadingLock(name)) {
				findLoadedClass(name)?.let { return it }
				val bytes = parent.getResourceAsStream(name.replace('.', '/') + ".class")?.use(InputStream::readAllBytes)
					?: throw ClassNotFoundException(name)
				return defineClass(name, bytes, 0, bytes.size)
			}
		}

	}

}
