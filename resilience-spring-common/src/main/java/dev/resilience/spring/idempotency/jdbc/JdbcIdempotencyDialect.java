package dev.resilience.spring.idempotency.jdbc;

import java.sql.DatabaseMetaData;
import java.util.Locale;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The databases the JDBC idempotency store supports, and the SQL that differs between
 * them: how to read the database's clock and add milliseconds to it, how to insert
 * without failing on a duplicate key, and which schema script to apply.
 */
public enum JdbcIdempotencyDialect {

	/** PostgreSQL 9.5 or later ({@code ON CONFLICT}). */
	POSTGRESQL("now()", "now() + ? * INTERVAL '1 millisecond'", " ON CONFLICT (record_id) DO NOTHING",
			"schema-postgresql.sql"),

	/** H2 2.x; a duplicate key is caught instead of skipped. */
	H2("CURRENT_TIMESTAMP", "DATEADD(MILLISECOND, ?, CURRENT_TIMESTAMP)", "", "schema-h2.sql");

	final String now;

	final String nowPlusMillis;

	final String insertSuffix;

	final String schemaScript;

	JdbcIdempotencyDialect(String now, String nowPlusMillis, String insertSuffix, String schemaScript) {
		this.now = now;
		this.nowPlusMillis = nowPlusMillis;
		this.insertSuffix = insertSuffix;
		this.schemaScript = schemaScript;
	}

	/** Classpath resource of the schema script, relative to this class. */
	public String getSchemaScript() {
		return this.schemaScript;
	}

	/**
	 * The dialect of the database behind {@code dataSource}.
	 * @throws IllegalStateException naming the product for a database that is not
	 * supported
	 */
	public static JdbcIdempotencyDialect of(DataSource dataSource) {
		String product = new JdbcTemplate(dataSource).execute((java.sql.Connection connection) -> {
			DatabaseMetaData metaData = connection.getMetaData();
			return metaData.getDatabaseProductName();
		});
		String normalized = (product != null) ? product.toLowerCase(Locale.ROOT) : "";
		if (normalized.contains("postgres")) {
			return POSTGRESQL;
		}
		if (normalized.equals("h2")) {
			return H2;
		}
		throw new IllegalStateException("The JDBC idempotency store supports PostgreSQL and H2, but the data source is "
				+ product + "; use resilience.idempotency.store=redis or memory, or provide an IdempotencyStore bean");
	}

}
