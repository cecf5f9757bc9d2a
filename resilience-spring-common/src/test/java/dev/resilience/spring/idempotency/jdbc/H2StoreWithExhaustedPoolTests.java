package dev.resilience.spring.idempotency.jdbc;

import java.time.Duration;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyStoreUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The JDBC store takes a connection of its own outside the caller's transaction. With a
 * pool of one connection, which the caller's transaction holds, it cannot get one: the
 * call must fail closed with an error that says why and what to change, never hang, and
 * leave the pool usable.
 */
class H2StoreWithExhaustedPoolTests {

	private static final String TABLE = JdbcIdempotencyStoreContractTests.uniqueTableName();

	private final HikariDataSource pool = onePool();

	@AfterEach
	void closePool() {
		this.pool.close();
	}

	@Test
	void storeStarvedByTheCallersOwnTransactionFailsClosedNamingThePoolAndTheTransaction() {
		new JdbcIdempotencySchemaInitializer(this.pool, TABLE, JdbcIdempotencyDialect.H2).initialize();
		JdbcIdempotencyStore store = new JdbcIdempotencyStore(this.pool, TABLE, JdbcIdempotencyDialect.H2);
		String id = UUID.randomUUID().toString().replace("-", "");
		TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(this.pool));
		Throwable refused = transaction
			.execute((status) -> catchThrowable(() -> store.claim(id, "fp", Duration.ofMinutes(1))));
		assertThat(refused).isInstanceOf(IdempotencyStoreUnavailableException.class)
			.as("the error says the caller's transaction holds this pool's connection and the store needs one more")
			.hasMessageContaining("transaction")
			.hasMessageContaining("one more connection");
		assertThat(store.claim(id, "fp", Duration.ofMinutes(1))).as("outside the transaction the pool serves the store")
			.isInstanceOf(ClaimResult.Claimed.class);
	}

	private static HikariDataSource onePool() {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl("jdbc:h2:mem:" + TABLE + ";DB_CLOSE_DELAY=-1");
		config.setUsername("sa");
		config.setPassword("");
		config.setMaximumPoolSize(1);
		config.setMinimumIdle(0);
		config.setConnectionTimeout(250);
		return new HikariDataSource(config);
	}

}
