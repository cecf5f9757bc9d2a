package dev.resilience.spring.idempotency.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Creates the idempotency table and its expiry index from the schema script shipped for
 * the database ({@code schema-postgresql.sql}, {@code schema-h2.sql} next to this class),
 * with the configured table name. The scripts use {@code IF NOT EXISTS}, so applying them
 * again is harmless.
 */
public class JdbcIdempotencySchemaInitializer {

	private final DataSource dataSource;

	private final String tableName;

	private final JdbcIdempotencyDialect dialect;

	public JdbcIdempotencySchemaInitializer(DataSource dataSource, String tableName, JdbcIdempotencyDialect dialect) {
		Assert.notNull(dataSource, "dataSource must not be null");
		Assert.notNull(dialect, "dialect must not be null");
		this.dataSource = dataSource;
		this.tableName = JdbcIdempotencyStore.checkTableName(tableName);
		this.dialect = dialect;
	}

	/**
	 * Applies the schema as {@code resilience.idempotency.jdbc.initialize-schema} asks:
	 * always, only for an embedded database, or never.
	 * @return whether the schema script was applied
	 */
	public boolean initialize(DatabaseInitializationMode mode) {
		Assert.notNull(mode, "mode must not be null");
		boolean apply = switch (mode) {
			case ALWAYS -> true;
			case EMBEDDED -> EmbeddedDatabaseConnection.isEmbedded(this.dataSource);
			case NEVER -> false;
		};
		if (apply) {
			initialize();
		}
		return apply;
	}

	/** Applies the schema script unconditionally. */
	public void initialize() {
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		for (String statement : statements()) {
			jdbc.execute(statement);
		}
	}

	String[] statements() {
		String script = read(this.dialect.getSchemaScript()).replace("${table}", this.tableName)
			.replace("${index}", indexName());
		StringBuilder withoutComments = new StringBuilder();
		for (String line : script.split("\n")) {
			if (!line.trim().startsWith("--")) {
				withoutComments.append(line).append('\n');
			}
		}
		return java.util.Arrays.stream(withoutComments.toString().split(";"))
			.map(String::trim)
			.filter(StringUtils::hasText)
			.toArray(String[]::new);
	}

	private String indexName() {
		int dot = this.tableName.lastIndexOf('.');
		String simple = this.tableName.substring(dot + 1).toLowerCase(Locale.ROOT) + "_expires_at_idx";
		// PostgreSQL creates an index in its table's schema and refuses a qualified name;
		// H2 wants one
		return (this.dialect == JdbcIdempotencyDialect.H2 && dot > 0) ? this.tableName.substring(0, dot + 1) + simple
				: simple;
	}

	private static String read(String name) {
		try (InputStream input = new ClassPathResource(name, JdbcIdempotencySchemaInitializer.class).getInputStream()) {
			return new String(input.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the idempotency schema script " + name, ex);
		}
	}

}
