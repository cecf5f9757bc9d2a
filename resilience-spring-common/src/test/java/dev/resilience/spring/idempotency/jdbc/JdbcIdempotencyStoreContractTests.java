package dev.resilience.spring.idempotency.jdbc;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.IdempotencyStoreContractTests;
import dev.resilience.spring.idempotency.StoreClock;

/**
 * The store contract against a database: a table unique to the test class's run, created
 * by the shipped schema script and dropped afterwards.
 */
abstract class JdbcIdempotencyStoreContractTests extends IdempotencyStoreContractTests {

	static String uniqueTableName() {
		return "resilience_idem_test_"
				+ UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
	}

	protected abstract DataSource dataSource();

	protected abstract String tableName();

	protected abstract JdbcIdempotencyDialect dialect();

	@Override
	protected IdempotencyStore createStore() {
		return new JdbcIdempotencyStore(dataSource(), tableName(), dialect());
	}

	@Override
	protected void elapse(Duration duration) {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource());
		String now = (dialect() == JdbcIdempotencyDialect.H2) ? "SELECT CURRENT_TIMESTAMP" : "SELECT now()";
		StoreClock.elapse(() -> jdbc.queryForObject(now, OffsetDateTime.class).toInstant().toEpochMilli(), duration);
	}

	@Override
	protected Duration shortLease() {
		return Duration.ofMillis(300);
	}

	@Override
	protected Duration shortTtl() {
		return Duration.ofMillis(300);
	}

}
