package dev.resilience.spring.idempotency.jdbc;

import java.util.Properties;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import dev.resilience.spring.testsupport.LocalServices;
import dev.resilience.spring.testsupport.RequiresPostgres;

/** The JDBC store stays out of the caller's transaction on PostgreSQL. */
@RequiresPostgres
class PostgresStoreOutsideCallerTransactionTests extends JdbcStoreOutsideCallerTransactionTests {

	private static final String TABLE = JdbcIdempotencyStoreContractTests.uniqueTableName();

	private static DataSource dataSource;

	@BeforeAll
	static void createTable() {
		Properties properties = new Properties();
		properties.setProperty("user", LocalServices.POSTGRES_USER);
		properties.setProperty("options", "-c lock_timeout=2000");
		dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), LocalServices.POSTGRES_URL, properties);
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
