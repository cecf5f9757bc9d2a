package dev.resilience.spring.aop;

import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

import kotlin.coroutines.Continuation;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;
import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A method whose result the annotations cannot protect stops the application, naming the
 * class, the method, the return type and the supported types: nothing starts silently
 * unprotected. A method declared to return {@code Object} that returns asynchronous work
 * at runtime fails that call instead.
 */
class UnprotectableReturnTypeTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class,
				ResilienceIdempotencyAutoConfiguration.class, BootLine.type(BootLine.JACKSON)));

	@Test
	void futureThatIsNotACompletionStageFailsStartup() {
		this.runner.withBean(FutureMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessage("@CircuitBreaker on FutureMethod.load(String): return type java.util.concurrent.Future"
						+ " is a Future that is not a CompletionStage, whose completion cannot be followed without"
						+ " blocking a thread, so the annotations would protect only the start of the call; return "
						+ ReturnTypes.SUPPORTED));
	}

	@Test
	void futureTaskFailsStartupToo() {
		this.runner.withBean(FutureTaskMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessageStartingWith("@Retry on FutureTaskMethod.load(): return type java.util.concurrent.FutureTask"
						+ " is a Future that is not a CompletionStage"));
	}

	@Test
	void reactiveStreamsPublisherFailsStartup() {
		this.runner.withBean(PublisherMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessage("@CircuitBreaker @Retry on PublisherMethod.stream(): return type "
						+ CustomPublisher.class.getName() + " is an asynchronous type the annotations cannot"
						+ " follow, so they would protect only the building of the value, not the work it stands"
						+ " for; return " + ReturnTypes.SUPPORTED));
	}

	@Test
	void jdkFlowPublisherFailsStartup() {
		this.runner.withBean(FlowPublisherMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessageStartingWith("@Bulkhead on FlowPublisherMethod.stream(): return type"
						+ " java.util.concurrent.Flow$Publisher is an asynchronous type"));
	}

	@Test
	void typeLevelAnnotationRefusesAnAsynchronousPublicMethod() {
		this.runner.withBean(TypeLevelOnFuture.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessageStartingWith(
						"@CircuitBreaker on TypeLevelOnFuture.load(): return type" + " java.util.concurrent.Future"));
	}

	@Test
	void continuationTakingJavaMethodFailsStartup() {
		this.runner.withBean(SuspendFunction.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(ResilienceAnnotationException.class)
				.hasMessage("@CircuitBreaker on SuspendFunction.load(String, Continuation): the method takes a"
						+ " kotlin.coroutines.Continuation but is not declared by a Kotlin class, so Spring does not"
						+ " run it as a suspend function and the annotations would protect only the start of its"
						+ " work; declare it as a suspend function in Kotlin or return " + ReturnTypes.SUPPORTED));
	}

	@Test
	void timeoutOnAMonoStartsNowThatItsOperatorExists() {
		// Refused at startup until @Timeout had a reactive operator; its semantics are
		// tested in ReactiveTimeLimitTests.
		this.runner.withBean(TimeoutOnMono.class).run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void asynchronousValueTypesAreRecognisedByClass() {
		assertThat(ReturnTypes.isAsynchronousValue(Mono.just(1).getClass())).isTrue();
		assertThat(ReturnTypes.isAsynchronousValue(Flux.just(1).getClass())).isTrue();
		assertThat(ReturnTypes.isAsynchronousValue(FutureTask.class)).isTrue();
		assertThat(ReturnTypes.isAsynchronousValue(CustomPublisher.class)).isTrue();
		assertThat(ReturnTypes.isAsynchronousValue(String.class)).isFalse();
		assertThat(ReturnTypes.isAsynchronousValue(Object.class)).isFalse();
		assertThat(ReturnTypes.mayHoldAsynchronousValue(Object.class)).isTrue();
		assertThat(ReturnTypes.mayHoldAsynchronousValue(String.class)).isFalse();
		assertThat(ReturnTypes.mayHoldAsynchronousValue(Integer.class)).isFalse();
	}

	@Test
	void methodDeclaredToReturnObjectThatReturnsAMonoFailsTheCall() {
		this.runner.withBean(ObjectMethod.class).run((context) -> {
			assertThat(context).hasNotFailed();
			ObjectMethod bean = context.getBean(ObjectMethod.class);
			assertThat(bean.load(false)).isEqualTo("plain");
			assertThatIllegalStateException().isThrownBy(() -> bean.load(true))
				.withMessage("ObjectMethod.load(boolean) returned a " + Mono.just("x").getClass().getName()
						+ ", but its declared return type made it run as a plain call, which protects only the"
						+ " building of that value; declare the return type as " + ReturnTypes.SUPPORTED);
		});
	}

	static class FutureMethod {

		@CircuitBreaker(name = "inventory")
		public Future<String> load(String id) {
			return new FutureTask<>(() -> id);
		}

	}

	static class FutureTaskMethod {

		@Retry(name = "inventory")
		public FutureTask<String> load() {
			return new FutureTask<>(() -> "x");
		}

	}

	static class PublisherMethod {

		@CircuitBreaker(name = "inventory")
		@Retry(name = "inventory")
		public CustomPublisher stream() {
			return new CustomPublisher();
		}

	}

	static class FlowPublisherMethod {

		@Bulkhead(name = "inventory")
		public Flow.Publisher<String> stream() {
			return (subscriber) -> {
			};
		}

	}

	@CircuitBreaker(name = "inventory")
	static class TypeLevelOnFuture {

		public Future<String> load() {
			return new FutureTask<>(() -> "x");
		}

	}

	/**
	 * What the Kotlin compiler makes of {@code suspend fun load(id: String): String}, but
	 * in a Java class, which Spring does not run as a coroutine (Kotlin's own suspend
	 * functions are tested in Kotlin, {@code SuspendFunctionTests}).
	 */
	static class SuspendFunction {

		@CircuitBreaker(name = "inventory")
		public Object load(String id, Continuation<? super String> continuation) {
			return id;
		}

	}

	static class TimeoutOnMono {

		@CircuitBreaker(name = "inventory")
		@Timeout(name = "inventory")
		public Mono<String> load() {
			return Mono.just("x");
		}

	}

	static class ObjectMethod {

		@CircuitBreaker(name = "inventory")
		public Object load(boolean reactive) {
			return reactive ? Mono.just("x") : "plain";
		}

	}

	/** A Reactive Streams publisher that is neither a Mono nor a Flux. */
	static class CustomPublisher implements Publisher<String> {

		@Override
		public void subscribe(Subscriber<? super String> subscriber) {
		}

	}

}
