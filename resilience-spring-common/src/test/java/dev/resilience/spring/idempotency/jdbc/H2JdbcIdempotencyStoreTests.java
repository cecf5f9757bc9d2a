package dev.resilience.spring.idempotency.jdbc;

import java.time.Duration;
import java.time.OffsetDateTime;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.resilience.idempotency.ClaimResult;
import dev.resilience.spring.idempotency.StoreClock;

import static org.assertj.core.api.Assertions.assertThat;

/** What the JDBC store adds to the contract, on H2. */
class H2JdbcIdempotencyStoreTests {

	private final String table = JdbcIdempotencyStoreContractTests.uniqueTableName();

	private final DataSource dataSource = new DriverManagerDataSource(
			"jdbc:h2:mem:" + this.table + ";DB_CLOSE_DELAY=-1", "sa", "");

	private final JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);

	@Test
	void embeddedModeAppliesTheSchemaToAnEmbeddedDatabase() {
		JdbcIdempotencySchemaInitializer initializer = new JdbcIdempotencySchemaInitializer(this.dataSource, this.table,
				JdbcIdempotencyDialect.H2);
		assertThat(initializer.initialize(DatabaseInitializationMode.NEVER)).isFalse();
		assertThat(initializer.initialize(DatabaseInitializationMode.EMBEDDED)).isTrue();
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM " + this.table, Integer.class)).isZero();
	}

	@Test
	void dialectIsDetectedFromTheDataSource() {
		assertThat(JdbcIdempotencyDialect.of(this.dataSource)).isEqualTo(JdbcIdempotencyDialect.H2);
	}

	@Test
	void purgeDeletesExpiredRowsInBatchesAndKeepsLiveOnes() {
		new JdbcIdempotencySchemaInitializer(this.dataSource, this.table, JdbcIdempotencyDialect.H2).initialize();
		JdbcIdempotencyStore store = new JdbcIdempotencyStore(this.dataSource, this.table, JdbcIdempotencyDialect.H2);
		for (int i = 0; i < 7; i++) {
			String token = ((ClaimResult.Claimed) store.claim("expired-" + i, "fp", Duration.ofMinutes(1)))
				.leaseToken();
			store.complete("expired-" + i, token, new byte[] { 1 }, Duration.ofMillis(200));
		}
		store.claim("live", "fp", Duration.ofMinutes(5));
		StoreClock.elapse(() -> this.jdbc.queryForObject("SELECT CURRENT_TIMESTAMP", OffsetDateTime.class)
			.toInstant()
			.toEpochMilli(), Duration.ofMillis(200));
		assertThat(store.purgeExpired(3)).isEqualTo(7);
		assertThat(this.jdbc.queryForList("SELECT record_id FROM " + this.table, String.class)).containsExactly("live");
	}

	@Test
	void largeResultRoundTrips() {
		new JdbcIdempotencySchemaInitializer(this.dataSource, this.table, JdbcIdempotencyDialect.H2).initialize();
		JdbcIdempotencyStore store = new JdbcIdempotencyStore(this.dataSource, this.table, JdbcIdempotencyDialect.H2);
		byte[] result = new byte[512 * 1024];
		for (int i = 0; i < result.length; i++) {
			result[i] = (byte) i;
		}
		String token = ((ClaimResult.Claimed) store.claim("big", "fp", Duration.ofMinutes(1))).leaseToken();
		assertThat(store.complete("big", token, result, Duration.ofHours(1))).isTrue();
		assertThat(store.find("big").orElseThrow().result()).isEqualTo(result);
	}

}
