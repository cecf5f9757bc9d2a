package dev.resilience.spring.idempotency.jdbc;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;
import dev.resilience.spring.idempotency.PaymentService;
import dev.resilience.spring.idempotency.PaymentService.ChargeCommand;
import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * An application whose {@code @Transactional} service calls an {@code @Idempotent} one on
 * the same data source, then rolls back: the charge happened, so its record must stay and
 * a retry must replay it rather than charge again.
 */
class TransactionalCallerIdempotencyTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class,
				ResilienceIdempotencyAutoConfiguration.class, BootLine.type(BootLine.JACKSON),
				BootLine.type(BootLine.DATA_SOURCE), BootLine.type(BootLine.JDBC_TEMPLATE),
				BootLine.type(BootLine.DATA_SOURCE_TRANSACTION_MANAGER), BootLine.type(BootLine.TRANSACTION)))
		.withPropertyValues("resilience.idempotency.store=jdbc",
				"spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
		.withBean(PaymentService.class)
		.withBean(CheckoutService.class);

	@Test
	void chargeRecordedInsideARolledBackTransactionIsReplayedNotRepeated() {
		this.runner.run((context) -> {
			CheckoutService checkout = context.getBean(CheckoutService.class);
			PaymentService payments = context.getBean(PaymentService.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			jdbc.execute("CREATE TABLE checkout_order (id VARCHAR(64) PRIMARY KEY)");

			assertThatIllegalStateException().isThrownBy(() -> checkout.checkOut(new ChargeCommand("t-1", 5)))
				.withMessage("stock check failed after the charge");

			assertThat(jdbc.queryForObject("SELECT count(*) FROM checkout_order", Integer.class))
				.as("the caller's own write was rolled back")
				.isZero();
			assertThat(jdbc.queryForObject("SELECT count(*) FROM resilience_idempotency WHERE state = 'COMPLETED'",
					Integer.class))
				.as("the idempotency record was not")
				.isEqualTo(1);
			payments.charge(new ChargeCommand("t-1", 5));
			assertThat(payments.executions().get("t-1")).as("the retry replays the charge").hasValue(1);
		});
	}

	static class CheckoutService {

		private final PaymentService payments;

		private final JdbcTemplate jdbc;

		CheckoutService(PaymentService payments, JdbcTemplate jdbc) {
			this.payments = payments;
			this.jdbc = jdbc;
		}

		@Transactional
		public void checkOut(ChargeCommand command) {
			this.jdbc.update("INSERT INTO checkout_order (id) VALUES (?)", command.requestId());
			this.payments.charge(command);
			throw new IllegalStateException("stock check failed after the charge");
		}

	}

}
