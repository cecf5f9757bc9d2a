package dev.resilience.spring.reactive;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolder;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Idempotent;
import dev.resilience.idempotency.IdempotencyInProgressException;
import dev.resilience.idempotency.IdempotencyKeyReusedException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;
import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Idempotent} on a method returning {@code Mono}: each subscription is one call;
 * the first with a key runs the method and stores what the {@code Mono} emits, a replay
 * emits the stored value without running it, and the in-progress, key-reuse and fallback
 * rules hold as for a {@code CompletionStage} method. Results complete on the idempotency
 * executor, so the tests wait for them, bounded so that a broken promise fails instead of
 * hanging.
 */
class ReactiveIdempotencyTests {

	private static final Duration BOUND = Duration.ofSeconds(30);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class,
				ResilienceIdempotencyAutoConfiguration.class, BootLine.type(BootLine.JACKSON)))
		.withBean(Payments.class);

	@Test
	void twoSubscriptionsWithOneKeyRunTheMethodOnceAndTheReplayEmitsTheStoredValue() {
		this.runner.run((context) -> {
			Payments payments = context.getBean(Payments.class);
			payments.next(() -> Mono.just("receipt-1"), () -> Mono.just("receipt-2"));
			Mono<String> charge = payments.charge("k-1", 10);
			assertThat(payments.invocations()).as("lazy").isZero();
			StepVerifier.create(charge).expectNext("receipt-1").expectComplete().verify(BOUND);
			StepVerifier.create(charge).expectNext("receipt-1").expectComplete().verify(BOUND);
			StepVerifier.create(payments.charge("k-1", 10)).expectNext("receipt-1").expectComplete().verify(BOUND);
			assertThat(payments.invocations()).isOne();
			StepVerifier.create(payments.charge("k-2", 10)).expectNext("receipt-2").expectComplete().verify(BOUND);
			assertThat(payments.invocations()).isEqualTo(2);
		});
	}

	@Test
	void aValueTakenByASubscriberCancellingInOnNextIsStoredAndReplayed() {
		this.runner.run((context) -> {
			Payments payments = context.getBean(Payments.class);
			Sinks.One<String> first = Sinks.one();
			payments.next(first::asMono, () -> Mono.just("must not run"));
			StepVerifier.create(payments.charge("k-1", 10).flux().next())
				.then(() -> first.tryEmitValue("receipt-1"))
				.expectNext("receipt-1")
				.expectComplete()
				.verify(BOUND);
			StepVerifier.create(payments.charge("k-1", 10).flux().next())
				.expectNext("receipt-1")
				.expectComplete()
				.verify(BOUND);
			assertThat(payments.invocations()).isOne();
		});
	}

	@Test
	void anEmptyMonoIsStoredAsNoValueAndReplayedEmpty() {
		this.runner.run((context) -> {
			Payments payments = context.getBean(Payments.class);
			payments.next(Mono::empty, () -> Mono.just("must not run"));
			StepVerifier.create(payments.charge("k-1", 10)).expectComplete().verify(BOUND);
			StepVerifier.create(payments.charge("k-1", 10)).expectComplete().verify(BOUND);
			assertThat(payments.invocations()).isOne();
		});
	}

	@Test
	void theSameKeyWithOtherArgumentsIsAKeyReuse() {
		this.runner.run((context) -> {
			Payments payments = context.getBean(Payments.class);
			payments.next(() -> Mono.just("receipt-1"), () -> Mono.just("must not run"));
			StepVerifier.create(payments.charge("k-1", 10)).expectNext("receipt-1").expectComplete().verify(BOUND);
			StepVerifier.create(payments.charge("k-1", 99))
				.expectError(IdempotencyKeyReusedException.class)
				.verify(BOUND);
			assertThat(payments.invocations()).isOne();
		});
	}

	@Test
	void anErrorSignalReleasesTheClaimAndTheNextSubscriptionRunsAgain() {
		this.runner.run((context) -> {
			Payments payments = context.getBean(Payments.class);
			payments.next(() -> Mono.error(new IOException("declined")), () -> Mono.just("receipt"));
			StepVerifier.create(payments.charge("k-1", 10)).expectErrorMessage("declined").verify(BOUND);
			StepVerifier.create(payments.charge("k-1", 10)).expectNext("receipt").expectComplete().verify(BOUND);
			assertThat(payments.invocations()).isEqualTo(2);
		});
	}

	@Test
	void aConcurrentSubscriptionWithTheKeyIsRefusedWhileTheFirstRuns() {
		this.runner.run((context) -> {
			Payments payments = context.getBean(Payments.class);
			Sinks.One<String> first = Sinks.one();
			payments.next(first::asMono, () -> Mono.just("must not run"));
			CompletableFuture<String> firstResult = payments.charge("k-1", 10).toFuture();
			StepVerifier.create(payments.charge("k-1", 10))
				.expectError(IdempotencyInProgressException.class)
				.verify(BOUND);
			first.tryEmitValue("receipt");
			// The first subscriber hears of its value once it is stored.
			assertThat(firstResult.get(30, TimeUnit.SECONDS)).isEqualTo("receipt");
			StepVerifier.create(payments.charge("k-1", 10)).expectNext("receipt").expectComplete().verify(BOUND);
			assertThat(payments.invocations()).isOne();
		});
	}

	@Test
	void aConcurrentSubscriptionWithTheKeyWaitsForTheFirstWhenConfiguredTo() {
		this.runner.withPropertyValues("resilience.idempotency.defaults.on-in-progress=wait").run((context) -> {
			Payments payments = context.getBean(Payments.class);
			Sinks.One<String> first = Sinks.one();
			payments.next(first::asMono, () -> Mono.just("must not run"));
			payments.charge("k-1", 10).subscribe();
			Mono<String> second = payments.charge("k-1", 10);
			StepVerifier.create(second)
				.then(() -> first.tryEmitValue("receipt"))
				.expectNext("receipt")
				.expectComplete()
				.verify(BOUND);
			assertThat(payments.invocations()).isOne();
		});
	}

	@Test
	void aFallbackAnswerIsNotStoredSoTheNextSubscriptionRunsTheMethodAgain() {
		this.runner.run((context) -> {
			Payments payments = context.getBean(Payments.class);
			payments.next(() -> Mono.error(new IOException("down")), () -> Mono.just("receipt"));
			StepVerifier.create(payments.degradable("k-1")).expectNext("pending").expectComplete().verify(BOUND);
			StepVerifier.create(payments.degradable("k-1")).expectNext("receipt").expectComplete().verify(BOUND);
			StepVerifier.create(payments.degradable("k-1")).expectNext("receipt").expectComplete().verify(BOUND);
			assertThat(payments.invocations()).isEqualTo(2);
		});
	}

	@Test
	void thePrincipalOfTheReactorContextScopesTheKey() {
		// Spring Security is on the classpath: the scope is per principal by default.
		this.runner.run((context) -> {
			Payments payments = context.getBean(Payments.class);
			payments.next(() -> Mono.just("alice's"), () -> Mono.just("bob's"), () -> Mono.just("must not run"));
			StepVerifier.create(payments.charge("k-1", 10).contextWrite(as("alice")))
				.expectNext("alice's")
				.expectComplete()
				.verify(BOUND);
			StepVerifier.create(payments.charge("k-1", 10).contextWrite(as("bob")))
				.expectNext("bob's")
				.expectComplete()
				.verify(BOUND);
			StepVerifier.create(payments.charge("k-1", 10).contextWrite(as("alice")))
				.expectNext("alice's")
				.expectComplete()
				.verify(BOUND);
			assertThat(payments.invocations()).isEqualTo(2);
			assertThat(SecurityContextHolder.getContext().getAuthentication()).as("thread left as it was").isNull();
		});
	}

	@Test
	void anEmptyReplayUnderAPrincipalCompletesEmptyWithoutASecondCall() {
		this.runner.run((context) -> {
			Payments payments = context.getBean(Payments.class);
			payments.next(Mono::empty, () -> Mono.just("must not run"));
			StepVerifier.create(payments.charge("k-1", 10).contextWrite(as("alice"))).expectComplete().verify(BOUND);
			StepVerifier.create(payments.charge("k-1", 10).contextWrite(as("alice"))).expectComplete().verify(BOUND);
			assertThat(payments.invocations()).isOne();
		});
	}

	private static Context as(String user) {
		return ReactiveSecurityContextHolder.withAuthentication(
				new UsernamePasswordAuthenticationToken(user, "n/a", AuthorityUtils.createAuthorityList("ROLE_USER")));
	}

	static class Payments {

		private final AtomicInteger invocations = new AtomicInteger();

		private final List<Supplier<? extends Mono<String>>> monos = new ArrayList<>();

		/** Read through the proxy, whose own fields are empty. */
		int invocations() {
			return this.invocations.get();
		}

		@SuppressWarnings("unchecked")
		void next(Supplier<? extends Mono<String>>... answers) {
			this.monos.addAll(List.of(answers));
		}

		private Mono<String> answer() {
			this.invocations.incrementAndGet();
			return this.monos.remove(0).get();
		}

		@Idempotent(key = "#id")
		public Mono<String> charge(String id, int amount) {
			return answer();
		}

		@Idempotent(key = "#id")
		@Fallback(method = "pending")
		public Mono<String> degradable(String id) {
			return answer();
		}

		public String pending(String id, Throwable failure) {
			return "pending";
		}

	}

}
