package dev.resilience.spring.idempotency;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;
import dev.resilience.spring.idempotency.PaymentService.ChargeCommand;
import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencyPurger;
import dev.resilience.spring.idempotency.jdbc.JdbcIdempotencyStore;
import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code resilience.idempotency.store=jdbc} on an embedded H2 database, as an application
 * sets it up.
 */
class JdbcStoreAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class,
				ResilienceIdempotencyAutoConfiguration.class, BootLine.type(BootLine.JACKSON),
				BootLine.type(BootLine.DATA_SOURCE), BootLine.type(BootLine.JDBC_TEMPLATE)))
		.withPropertyValues("resilience.idempotency.store=jdbc",
				"spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
		.withBean(PaymentService.class);

	@Test
	void embeddedDatabaseGetsTheSchemaAndAnnotatedCallsRunOnce() {
		this.runner.run((context) -> {
			assertThat(context.getBean(IdempotencyStore.class)).isInstanceOf(JdbcIdempotencyStore.class);
			PaymentService payments = context.getBean(PaymentService.class);

			payments.charge(new ChargeCommand("j-1", 5));
			payments.charge(new ChargeCommand("j-1", 5));

			assertThat(payments.executions().get("j-1")).hasValue(1);
			assertThat(context.getBean(JdbcTemplate.class)
				.queryForObject("select count(*) from resilience_idempotency", Integer.class)).isEqualTo(1);
		});
	}

	@Test
	void expiredRowsArePurgedByTheScheduledPurger() {
		this.runner.withPropertyValues("resilience.idempotency.defaults.ttl=1ms").run((context) -> {
			PaymentService payments = context.getBean(PaymentService.class);
			payments.charge(new ChargeCommand("j-2", 5));
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			assertThat(jdbc.queryForObject("select count(*) from resilience_idempotency", Integer.class)).isEqualTo(1);
			org.awaitility.Awaitility.await()
				.atMost(java.time.Duration.ofSeconds(10))
				.until(() -> context.getBean(JdbcIdempotencyPurger.class).purge() >= 0
						&& jdbc.queryForObject("select count(*) from resilience_idempotency", Integer.class) == 0);
			assertThat(context.getBean(JdbcIdempotencyPurger.class).isRunning()).isTrue();
		});
	}

	@Test
	void schemaIsNotAppliedWhenInitializationIsNever() {
		this.runner.withPropertyValues("resilience.idempotency.jdbc.initialize-schema=never")
			.run((context) -> assertThat(context.getBean(JdbcTemplate.class)
				.queryForObject(
						"select count(*) from information_schema.tables where lower(table_name) = 'resilience_idempotency'",
						Integer.class))
				.isZero());
	}

}
