package dev.resilience.spring.idempotency.jdbc;

import java.time.Duration;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyStoreUnavailableException;
import dev.resilience.spring.idempotency.StoreClock;
import dev.resilience.spring.testsupport.LocalServices;
import dev.resilience.spring.testsupport.RequiresPostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the JDBC store adds to the contract, on PostgreSQL: schema, purge, detection,
 * failures.
 */
@RequiresPostgres
class PostgresJdbcIdempotencyStoreTests {

	private static final String TABLE = JdbcIdempotencyStoreContractTests.uniqueTableName();

	/** Created only by the schema test, so other tests cannot have created it first. */
	private static final String SCHEMA_TABLE = JdbcIdempotencyStoreContractTests.uniqueTableName();

	private static DataSource dataSource;

	private static JdbcTemplate jdbc;

	@BeforeAll
	static void connect() {
		dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), LocalServices.POSTGRES_URL,
				LocalServices.POSTGRES_USER, "");
		jdbc = new JdbcTemplate(dataSource);
	}

	@AfterAll
	static void dropTable() {
		if (jdbc != null) {
			jdbc.execute("DROP TABLE IF EXISTS " + TABLE);
			jdbc.execute("DROP TABLE IF EXISTS " + SCHEMA_TABLE);
		}
	}

	@Test
	void schemaIsAppliedOnlyWhenAskedForANonEmbeddedDatabase() {
		JdbcIdempotencySchemaInitializer initializer = new JdbcIdempotencySchemaInitializer(dataSource, SCHEMA_TABLE,
				JdbcIdempotencyDialect.POSTGRESQL);
		assertThat(initializer.initialize(DatabaseInitializationMode.EMBEDDED)).isFalse();
		assertThat(initializer.initialize(DatabaseInitializationMode.NEVER)).isFalse();
		assertThat(tableExists()).isFalse();
		assertThat(initializer.initialize(DatabaseInitializationMode.ALWAYS)).isTrue();
		assertThat(initializer.initialize(DatabaseInitializationMode.ALWAYS)).as("applying twice is harmless").isTrue();
		assertThat(tableExists()).isTrue();
		assertThat(jdbc.queryForObject(
				"SELECT count(*) FROM pg_indexes WHERE tablename = ? AND indexdef LIKE '%expires_at%'", Integer.class,
				SCHEMA_TABLE))
			.isEqualTo(1);
	}

	@Test
	void dialectIsDetectedFromTheDataSource() {
		assertThat(JdbcIdempotencyDialect.of(dataSource)).isEqualTo(JdbcIdempotencyDialect.POSTGRESQL);
	}

	@Test
	void purgeDeletesExpiredRowsInBatchesAndKeepsLiveOnes() {
		new JdbcIdempotencySchemaInitializer(dataSource, TABLE, JdbcIdempotencyDialect.POSTGRESQL).initialize();
		JdbcIdempotencyStore store = new JdbcIdempotencyStore(dataSource, TABLE, JdbcIdempotencyDialect.POSTGRESQL);
		jdbc.update("DELETE FROM " + TABLE);
		for (int i = 0; i < 25; i++) {
			String token = ((ClaimResult.Claimed) store.claim("expired-" + i, "fp", Duration.ofMinutes(1)))
				.leaseToken();
			assertThat(store.complete("expired-" + i, token, new byte[] { 1 }, Duration.ofMillis(200))).isTrue();
		}
		store.claim("live-claim", "fp", Duration.ofMinutes(5));
		String token = ((ClaimResult.Claimed) store.claim("live-done", "fp", Duration.ofMinutes(1))).leaseToken();
		store.complete("live-done", token, new byte[] { 2 }, Duration.ofHours(1));
		StoreClock.elapse(() -> jdbc.queryForObject("SELECT (extract(epoch FROM now()) * 1000)::bigint", Long.class),
				Duration.ofMillis(200));
		assertThat(store.purgeExpired(10)).isEqualTo(25);
		assertThat(jdbc.queryForList("SELECT record_id FROM " + TABLE + " ORDER BY record_id", String.class))
			.containsExactly("live-claim", "live-done");
		assertThat(store.purgeExpired(10)).isZero();
	}

	@Test
	void unreachableDatabaseFailsClosed() {
		DataSource nowhere = new SimpleDriverDataSource(new org.postgresql.Driver(),
				"jdbc:postgresql://127.0.0.1:1/test?connectTimeout=1", LocalServices.POSTGRES_USER, "");
		JdbcIdempotencyStore store = new JdbcIdempotencyStore(nowhere, TABLE, JdbcIdempotencyDialect.POSTGRESQL);
		assertThatThrownBy(() -> store.claim("id", "fp", Duration.ofMinutes(1)))
			.isInstanceOf(IdempotencyStoreUnavailableException.class)
			.hasMessageStartingWith("JDBC idempotency store failed to claim");
		assertThatThrownBy(() -> store.complete("id", "t", new byte[] { 1 }, Duration.ofMinutes(1)))
			.isInstanceOf(IdempotencyStoreUnavailableException.class);
		assertThatThrownBy(() -> store.renew("id", "t", Duration.ofMinutes(1)))
			.isInstanceOf(IdempotencyStoreUnavailableException.class)
			.hasMessageStartingWith("JDBC idempotency store failed to renew");
		assertThatThrownBy(() -> store.release("id", "t")).isInstanceOf(IdempotencyStoreUnavailableException.class);
		assertThatThrownBy(() -> store.find("id")).isInstanceOf(IdempotencyStoreUnavailableException.class);
	}

	@Test
	void tableNameThatIsNotAnIdentifierIsRefused() {
		assertThatThrownBy(
				() -> new JdbcIdempotencyStore(dataSource, "idem; DROP TABLE users", JdbcIdempotencyDialect.POSTGRESQL))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("is not a plain SQL identifier");
	}

	private static boolean tableExists() {
		return jdbc.queryForObject("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", Integer.class,
				SCHEMA_TABLE) == 1;
	}

}
