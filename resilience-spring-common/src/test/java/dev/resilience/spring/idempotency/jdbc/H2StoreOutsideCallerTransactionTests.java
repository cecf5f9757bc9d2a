package dev.resilience.spring.idempotency.jdbc;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The JDBC store stays out of the caller's transaction on H2. */
class H2StoreOutsideCallerTransactionTests extends JdbcStoreOutsideCallerTransactionTests {

	private static final String TABLE = JdbcIdempotencyStoreContractTests.uniqueTableName();

	private static DataSource dataSource;

	@BeforeAll
	static void createTable() {
		dataSource = new DriverManagerDataSource("jdbc:h2:mem:" + TABLE + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=2000", "sa",
				"");
		new JdbcIdempotencySchemaInitializer(dataSource, TABLE, JdbcIdempotencyDialect.H2).initialize();
	}

	@Override
	protected DataSource dataSource() {
		return dataSource;
	}

	@Override
	protected String tableName() {
		return TABLE;
	}

	@Override
	protected JdbcIdempotencyDialect dialect() {
		return JdbcIdempotencyDialect.H2;
	}

}
