package dev.resilience.spring.idempotency;

import java.util.List;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.resilience.idempotency.IdempotencyKeyReusedException;
import dev.resilience.idempotency.InvalidIdempotencyKeyException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;
import dev.resilience.spring.idempotency.PaymentService.ChargeCommand;
import dev.resilience.spring.idempotency.PaymentService.Receipt;
import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** {@code @Idempotent} on a Spring bean, with the default in-memory store. */
class IdempotentAnnotationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class,
				ResilienceIdempotencyAutoConfiguration.class, BootLine.type(BootLine.JACKSON)))
		.withBean(PaymentService.class);

	@AfterEach
	void clearSecurityContext() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void replaysTheStoredResultWithoutInvokingTheMethodAgain() {
		this.runner.run((context) -> {
			PaymentService payments = context.getBean(PaymentService.class);

			Receipt first = payments.charge(new ChargeCommand("r-1", 100));
			Receipt replay = payments.charge(new ChargeCommand("r-1", 100));

			assertThat(replay).isEqualTo(first).isNotSameAs(first);
			assertThat(payments.executions().get("r-1")).hasValue(1);
		});
	}

	@Test
	void sameKeyWithOtherArgumentsIsRefusedWithoutRunning() {
		this.runner.run((context) -> {
			PaymentService payments = context.getBean(PaymentService.class);
			payments.charge(new ChargeCommand("r-2", 100));

			assertThatExceptionOfType(IdempotencyKeyReusedException.class)
				.isThrownBy(() -> payments.charge(new ChargeCommand("r-2", 999)))
				.satisfies((ex) -> assertThat(ex.getInstanceName()).isEqualTo("PaymentService.charge"));
			assertThat(payments.executions().get("r-2")).hasValue(1);
		});
	}

	@Test
	void failedCallReleasesItsClaimSoARetryRuns() {
		this.runner.run((context) -> {
			PaymentService payments = context.getBean(PaymentService.class);

			assertThatIllegalArgumentException().isThrownBy(() -> payments.charge(new ChargeCommand("r-3", -1)));
			assertThatIllegalArgumentException().isThrownBy(() -> payments.charge(new ChargeCommand("r-3", -1)));

			assertThat(payments.executions().get("r-3")).hasValue(2);
		});
	}

	@Test
	void missingKeyIsRefusedBeforeAnythingRuns() {
		this.runner.run((context) -> {
			PaymentService payments = context.getBean(PaymentService.class);

			assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
				.isThrownBy(() -> payments.charge(new ChargeCommand(null, 1)));
			assertThatExceptionOfType(InvalidIdempotencyKeyException.class).isThrownBy(() -> payments.charge(null));
			assertThat(payments.executions()).isEmpty();
		});
	}

	@Test
	void completableFutureResultIsStoredAndReplayed() {
		this.runner.run((context) -> {
			PaymentService payments = context.getBean(PaymentService.class);

			Receipt first = payments.refund("r-4", 50).join();
			Receipt replay = payments.refund("r-4", 50).join();

			assertThat(replay).isEqualTo(first);
			assertThat(payments.executions().get("r-4")).hasValue(1);
			assertThatExceptionOfType(CompletionException.class).isThrownBy(() -> payments.refund("r-4", 51).join())
				.withCauseInstanceOf(IdempotencyKeyReusedException.class);
		});
	}

	@Test
	void voidMethodRunsOnce() {
		this.runner.run((context) -> {
			PaymentService payments = context.getBean(PaymentService.class);

			payments.notify("r-5");
			payments.notify("r-5");

			assertThat(payments.executions().get("r-5")).hasValue(1);
		});
	}

	@Test
	void sameKeyFromTwoPrincipalsNeverSharesARecord() {
		this.runner.run((context) -> {
			PaymentService payments = context.getBean(PaymentService.class);

			SecurityContextHolder.getContext()
				.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice", "n/a", List.of()));
			Receipt alice = payments.charge(new ChargeCommand("shared", 10));
			SecurityContextHolder.getContext()
				.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("bob", "n/a", List.of()));
			Receipt bob = payments.charge(new ChargeCommand("shared", 10));
			Receipt bobAgain = payments.charge(new ChargeCommand("shared", 10));

			assertThat(payments.executions().get("shared")).hasValue(2);
			assertThat(bob).isNotEqualTo(alice).isEqualTo(bobAgain);
		});
	}

	@Test
	void globalScopeSharesTheKeyAcrossPrincipals() {
		this.runner.withPropertyValues("resilience.idempotency.scope=global").run((context) -> {
			PaymentService payments = context.getBean(PaymentService.class);

			SecurityContextHolder.getContext()
				.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice", "n/a", List.of()));
			payments.charge(new ChargeCommand("global", 10));
			SecurityContextHolder.getContext()
				.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("bob", "n/a", List.of()));
			payments.charge(new ChargeCommand("global", 10));

			assertThat(payments.executions().get("global")).hasValue(1);
		});
	}

	@Test
	void redisStoreWithoutTheRedisLibraryFailsStartupNamingTheDependency() {
		this.runner.withPropertyValues("resilience.idempotency.store=redis")
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("resilience.idempotency.store=redis needs")
				.hasMessageContaining("spring-boot-starter-data-redis"));
	}

	@Test
	void redisStoreWithoutAConnectionFactoryFailsStartup() {
		this.runner.withPropertyValues("resilience.idempotency.store=redis")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("needs a RedisConnectionFactory bean"));
	}

	@Test
	void jdbcStoreWithoutADataSourceFailsStartup() {
		this.runner.withPropertyValues("resilience.idempotency.store=jdbc")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("resilience.idempotency.store=jdbc needs a DataSource bean"));
	}

}
