package dev.resilience.spring.idempotency.jdbc;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The store contract against an in-memory H2 database. */
class H2IdempotencyStoreContractTests extends JdbcIdempotencyStoreContractTests {

	private static final String TABLE = uniqueTableName();

	private static DataSource dataSource;

	@BeforeAll
	static void createTable() {
		dataSource = new DriverManagerDataSource("jdbc:h2:mem:" + TABLE + ";DB_CLOSE_DELAY=-1", "sa", "");
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
