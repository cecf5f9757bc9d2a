package dev.resilience.spring.idempotency.jdbc;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import dev.resilience.spring.testsupport.LocalServices;
import dev.resilience.spring.testsupport.RequiresPostgres;

/** The store contract against the local PostgreSQL. */
@RequiresPostgres
class PostgresIdempotencyStoreContractTests extends JdbcIdempotencyStoreContractTests {

	private static final String TABLE = uniqueTableName();

	private static DataSource dataSource;

	@BeforeAll
	static void createTable() {
		dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), LocalServices.POSTGRES_URL,
				LocalServices.POSTGRES_USER, "");
		new JdbcIdempotencySchemaInitializer(dataSource, TABLE, JdbcIdempotencyDialect.POSTGRESQL).initialize();
	}

	@AfterAll
	static void dropTable() {
		if (dataSource != null) {
			new JdbcTemplate(dataSource).execute("DROP TABLE IF EXISTS " + TABLE);
		}
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
		return JdbcIdempotencyDialect.POSTGRESQL;
	}

}
