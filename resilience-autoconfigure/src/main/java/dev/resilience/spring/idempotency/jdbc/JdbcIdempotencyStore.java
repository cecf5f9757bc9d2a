package dev.resilience.spring.idempotency.jdbc;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyRecord;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.IdempotencyStoreUnavailableException;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.util.Assert;

/**
 * {@link IdempotencyStore} in a relational database through {@link JdbcTemplate}, shared by
 * every application instance that uses the same table. One row per record, keyed by the record id.
 * <p>
 * Each transition is one conditional statement, so it is atomic without explicit transactions or
 * locks: a claim inserts the row and lets the primary key pick one winner (takeover of an expired
 * row is an {@code UPDATE} conditioned on the previous token and the expiry), and completion and
 * release are an {@code UPDATE}/{@code DELETE} conditioned on the lease token and a live lease.
 * All times come from the database's clock ({@code now()}, {@code CURRENT_TIMESTAMP}), never from
 * the application's. Expired rows read as absent and are removed by {@link #purgeExpired(int)}.
 * Runs in auto-commit; thread-safe.
 */
public class JdbcIdempotencyStore implements IdempotencyStore {

	/** Table used when none is configured. */
	public static final String DEFAULT_TABLE_NAME = "resilience_idempotency";

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	/** A claim gives up after this many lost races (each needs another instance to win one). */
	private static final int MAX_CLAIM_ATTEMPTS = 16;

	private static final String IN_PROGRESS = "IN_PROGRESS";

	private static final String COMPLETED = "COMPLETED";

	private final JdbcTemplate jdbc;

	private final JdbcIdempotencyDialect dialect;

	private final String tableName;

	private final String insert;

	private final String select;

	private final String takeOver;

	private final String complete;

	private final String renew;

	private final String release;

	private final String purge;

	private final RowMapper<Row> rowMapper = (resultSet, rowNumber) -> new Row(resultSet.getString(1),
			resultSet.getString(2), resultSet.getString(3), resultSet.getBytes(4), resultSet.getInt(5) == 1);

	/** A store on {@link #DEFAULT_TABLE_NAME} of a database whose dialect is detected. */
	public JdbcIdempotencyStore(DataSource dataSource) {
		this(new JdbcTemplate(dataSource), DEFAULT_TABLE_NAME, JdbcIdempotencyDialect.of(dataSource));
	}

	/**
	 * @param tableName table holding the records, optionally schema-qualified; letters, digits and
	 * underscores only, since it is written into SQL
	 */
	public JdbcIdempotencyStore(JdbcTemplate jdbc, String tableName, JdbcIdempotencyDialect dialect) {
		Assert.notNull(jdbc, "jdbc must not be null");
		Assert.notNull(dialect, "dialect must not be null");
		this.jdbc = jdbc;
		this.dialect = dialect;
		this.tableName = checkTableName(tableName);
		String now = dialect.now;
		String until = dialect.nowPlusMillis;
		this.insert = "INSERT INTO " + tableName + " (record_id, state, fingerprint, lease_token, result, expires_at)"
				+ " VALUES (?, '" + IN_PROGRESS + "', ?, ?, NULL, " + until + ")" + dialect.insertSuffix;
		this.select = "SELECT state, fingerprint, lease_token, result, CASE WHEN expires_at > " + now
				+ " THEN 1 ELSE 0 END FROM " + tableName + " WHERE record_id = ?";
		this.takeOver = "UPDATE " + tableName + " SET state = '" + IN_PROGRESS
				+ "', fingerprint = ?, lease_token = ?, result = NULL, expires_at = " + until
				+ " WHERE record_id = ? AND lease_token = ? AND expires_at <= " + now;
		this.complete = "UPDATE " + tableName + " SET state = '" + COMPLETED + "', result = ?, expires_at = " + until
				+ " WHERE record_id = ? AND lease_token = ? AND state = '" + IN_PROGRESS + "' AND expires_at > " + now;
		this.renew = "UPDATE " + tableName + " SET expires_at = " + until + " WHERE record_id = ? AND lease_token = ? AND state = '"
				+ IN_PROGRESS + "' AND expires_at > " + now;
		this.release = "DELETE FROM " + tableName + " WHERE record_id = ? AND lease_token = ? AND state = '"
				+ IN_PROGRESS + "' AND expires_at > " + now;
		// the outer condition is re-checked against a row updated concurrently (a takeover), the subquery's is not
		this.purge = "DELETE FROM " + tableName + " WHERE expires_at <= " + now + " AND record_id IN (SELECT record_id FROM "
				+ tableName + " WHERE expires_at <= " + now + " LIMIT ?)";
	}

	static String checkTableName(String tableName) {
		Assert.notNull(tableName, "tableName must not be null");
		Assert.isTrue(TABLE_NAME.matcher(tableName).matches(), () -> "tableName '" + tableName
				+ "' is not a plain SQL identifier (letters, digits and underscores, optionally schema-qualified)");
		return tableName;
	}

	@Override
	public ClaimResult claim(String recordId, String fingerprint, Duration leaseTimeout) {
		long leaseMillis = millis(leaseTimeout);
		try {
			for (int attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
				String token = UUID.randomUUID().toString();
				if (insert(recordId, fingerprint, token, leaseMillis)) {
					return new ClaimResult.Claimed(token, false);
				}
				Row row = read(recordId);
				if (row == null) {
					continue; // released or purged since the insert failed: race again
				}
				if (row.live) {
					return COMPLETED.equals(row.state) ? new ClaimResult.Completed(row.fingerprint, row.result)
							: new ClaimResult.InProgress(row.fingerprint);
				}
				if (this.jdbc.update(this.takeOver, fingerprint, token, leaseMillis, recordId, row.leaseToken) == 1) {
					return new ClaimResult.Claimed(token, IN_PROGRESS.equals(row.state));
				}
			}
		}
		catch (DataAccessException ex) {
			throw IdempotencyStoreUnavailableException.forStore("JDBC", "claim", ex);
		}
		throw IdempotencyStoreUnavailableException.forStore("JDBC", "claim",
				new IllegalStateException("lost " + MAX_CLAIM_ATTEMPTS + " races for one record in a row"));
	}

	private boolean insert(String recordId, String fingerprint, String token, long leaseMillis) {
		try {
			return this.jdbc.update(this.insert, recordId, fingerprint, token, leaseMillis) == 1;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	@Override
	public boolean complete(String recordId, String leaseToken, byte[] result, Duration ttl) {
		Assert.notNull(result, "result must not be null");
		try {
			return this.jdbc.update(this.complete, result, millis(ttl), recordId, leaseToken) == 1;
		}
		catch (DataAccessException ex) {
			throw IdempotencyStoreUnavailableException.forStore("JDBC", "complete", ex);
		}
	}

	@Override
	public boolean renew(String recordId, String leaseToken, Duration leaseTimeout) {
		try {
			return this.jdbc.update(this.renew, millis(leaseTimeout), recordId, leaseToken) == 1;
		}
		catch (DataAccessException ex) {
			throw IdempotencyStoreUnavailableException.forStore("JDBC", "renew", ex);
		}
	}

	@Override
	public boolean release(String recordId, String leaseToken) {
		try {
			return this.jdbc.update(this.release, recordId, leaseToken) == 1;
		}
		catch (DataAccessException ex) {
			throw IdempotencyStoreUnavailableException.forStore("JDBC", "release", ex);
		}
	}

	@Override
	public Optional<IdempotencyRecord> find(String recordId) {
		Row row;
		try {
			row = read(recordId);
		}
		catch (DataAccessException ex) {
			throw IdempotencyStoreUnavailableException.forStore("JDBC", "find", ex);
		}
		if (row == null || !row.live) {
			return Optional.empty();
		}
		boolean completed = COMPLETED.equals(row.state);
		return Optional.of(new IdempotencyRecord(
				completed ? IdempotencyRecord.State.COMPLETED : IdempotencyRecord.State.IN_PROGRESS, row.fingerprint,
				row.leaseToken, completed ? row.result : null));
	}

	/**
	 * Deletes expired records, at most {@code batchSize} per statement, until none is left, so that
	 * a large backlog never holds many row locks at once.
	 * @return how many rows were deleted
	 */
	public int purgeExpired(int batchSize) {
		Assert.isTrue(batchSize > 0, () -> "batchSize must be positive but was " + batchSize);
		int total = 0;
		try {
			while (true) {
				int deleted = this.jdbc.update(this.purge, batchSize);
				total += deleted;
				if (deleted < batchSize) {
					return total;
				}
			}
		}
		catch (DataAccessException ex) {
			throw IdempotencyStoreUnavailableException.forStore("JDBC", "purge expired records", ex);
		}
	}

	public String getTableName() {
		return this.tableName;
	}

	public JdbcIdempotencyDialect getDialect() {
		return this.dialect;
	}

	private Row read(String recordId) {
		List<Row> rows = this.jdbc.query(this.select, this.rowMapper, recordId);
		return rows.isEmpty() ? null : rows.get(0);
	}

	private static long millis(Duration duration) {
		return Math.max(1, duration.toMillis());
	}

	@Override
	public String toString() {
		return "JdbcIdempotencyStore[table=" + this.tableName + ", dialect=" + this.dialect + "]";
	}

	private record Row(String state, String fingerprint, String leaseToken, byte[] result, boolean live) {
	}

}
