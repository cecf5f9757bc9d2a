package dev.resilience.spring.idempotency.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyRecord;
import dev.resilience.idempotency.IdempotencyStore;
import dev.resilience.idempotency.IdempotencyStoreUnavailableException;

/**
 * {@link IdempotencyStore} in a relational database, shared by every application instance
 * that uses the same table. One row per record, keyed by the record id.
 * <p>
 * Each transition is one conditional statement, so it is atomic without explicit
 * transactions or locks: a claim inserts the row and lets the primary key pick one winner
 * (takeover of an expired row is an {@code UPDATE} conditioned on the previous token and
 * the expiry), and completion, renewal and release are an {@code UPDATE}/{@code DELETE}
 * conditioned on the lease token and a live lease. All times come from the database's
 * clock ({@code now()}, {@code CURRENT_TIMESTAMP}), never from the application's. Expired
 * rows read as absent and are removed by {@link #purgeExpired(int)}.
 * <p>
 * Every operation takes a connection of its own straight from the {@link DataSource} and
 * runs in auto-commit, outside any transaction the caller holds on the same data source
 * (a {@code @Transactional} service, a JPA session): a caller that rolls back does not
 * erase a claim or a result, and a concurrent duplicate sees a claim at once instead of
 * waiting on the caller's uncommitted row. A transactional caller therefore holds two
 * connections for a moment; size the pool for it. Thread-safe.
 */
public class JdbcIdempotencyStore implements IdempotencyStore {

	/** Table used when none is configured. */
	public static final String DEFAULT_TABLE_NAME = "resilience_idempotency";

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	/**
	 * A claim gives up after this many lost races (each needs another instance to win
	 * one).
	 */
	private static final int MAX_CLAIM_ATTEMPTS = 16;

	/** SQL state of a unique key violation, the same in PostgreSQL and H2. */
	private static final String UNIQUE_VIOLATION = "23505";

	private static final String IN_PROGRESS = "IN_PROGRESS";

	private static final String COMPLETED = "COMPLETED";

	private final DataSource dataSource;

	private final JdbcIdempotencyDialect dialect;

	private final String tableName;

	private final String insert;

	private final String select;

	private final String takeOver;

	private final String complete;

	private final String renew;

	private final String release;

	private final String purge;

	/** A store on {@link #DEFAULT_TABLE_NAME} of a database whose dialect is detected. */
	public JdbcIdempotencyStore(DataSource dataSource) {
		this(dataSource, DEFAULT_TABLE_NAME, JdbcIdempotencyDialect.of(dataSource));
	}

	/**
	 * @param dataSource where connections come from; a
	 * {@link TransactionAwareDataSourceProxy} is unwrapped, since it would hand out the
	 * caller's transactional connection
	 * @param tableName table holding the records, optionally schema-qualified; letters,
	 * digits and underscores only, since it is written into SQL
	 */
	public JdbcIdempotencyStore(DataSource dataSource, String tableName, JdbcIdempotencyDialect dialect) {
		Assert.notNull(dataSource, "dataSource must not be null");
		Assert.notNull(dialect, "dialect must not be null");
		this.dataSource = (dataSource instanceof TransactionAwareDataSourceProxy proxy) ? proxy.getTargetDataSource()
				: dataSource;
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
		this.renew = "UPDATE " + tableName + " SET expires_at = " + until
				+ " WHERE record_id = ? AND lease_token = ? AND state = '" + IN_PROGRESS + "' AND expires_at > " + now;
		this.release = "DELETE FROM " + tableName + " WHERE record_id = ? AND lease_token = ? AND state = '"
				+ IN_PROGRESS + "' AND expires_at > " + now;
		// the outer condition is re-checked against a row updated concurrently (a
		// takeover), the subquery's is not
		this.purge = "DELETE FROM " + tableName + " WHERE expires_at <= " + now
				+ " AND record_id IN (SELECT record_id FROM " + tableName + " WHERE expires_at <= " + now + " LIMIT ?)";
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
		return inOwnTransaction("claim", (connection) -> {
			for (int attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
				String token = UUID.randomUUID().toString();
				if (insert(connection, recordId, fingerprint, token, leaseMillis)) {
					return new ClaimResult.Claimed(token, false);
				}
				Row row = read(connection, recordId);
				if (row == null) {
					continue; // released or purged since the insert failed: race again
				}
				if (row.live) {
					return COMPLETED.equals(row.state) ? new ClaimResult.Completed(row.fingerprint, row.result)
							: new ClaimResult.InProgress(row.fingerprint);
				}
				if (update(connection, this.takeOver, fingerprint, token, leaseMillis, recordId, row.leaseToken) == 1) {
					return new ClaimResult.Claimed(token, IN_PROGRESS.equals(row.state));
				}
			}
			throw new SQLException("lost " + MAX_CLAIM_ATTEMPTS + " races for one record in a row");
		});
	}

	private boolean insert(Connection connection, String recordId, String fingerprint, String token, long leaseMillis)
			throws SQLException {
		try {
			return update(connection, this.insert, recordId, fingerprint, token, leaseMillis) == 1;
		}
		catch (SQLException ex) {
			if (UNIQUE_VIOLATION.equals(ex.getSQLState())) {
				return false;
			}
			throw ex;
		}
	}

	@Override
	public boolean complete(String recordId, String leaseToken, byte[] result, Duration ttl) {
		Assert.notNull(result, "result must not be null");
		long ttlMillis = millis(ttl);
		return inOwnTransaction("complete",
				(connection) -> update(connection, this.complete, result, ttlMillis, recordId, leaseToken) == 1);
	}

	@Override
	public boolean renew(String recordId, String leaseToken, Duration leaseTimeout) {
		long leaseMillis = millis(leaseTimeout);
		return inOwnTransaction("renew",
				(connection) -> update(connection, this.renew, leaseMillis, recordId, leaseToken) == 1);
	}

	@Override
	public boolean release(String recordId, String leaseToken) {
		return inOwnTransaction("release", (connection) -> update(connection, this.release, recordId, leaseToken) == 1);
	}

	@Override
	public Optional<IdempotencyRecord> find(String recordId) {
		Row row = inOwnTransaction("find", (connection) -> read(connection, recordId));
		if (row == null || !row.live) {
			return Optional.empty();
		}
		boolean completed = COMPLETED.equals(row.state);
		return Optional.of(new IdempotencyRecord(
				completed ? IdempotencyRecord.State.COMPLETED : IdempotencyRecord.State.IN_PROGRESS, row.fingerprint,
				row.leaseToken, completed ? row.result : null));
	}

	/**
	 * Deletes expired records, at most {@code batchSize} per statement, until none is
	 * left, so that a large backlog never holds many row locks at once.
	 * @return how many rows were deleted
	 */
	public int purgeExpired(int batchSize) {
		Assert.isTrue(batchSize > 0, () -> "batchSize must be positive but was " + batchSize);
		return inOwnTransaction("purge expired records", (connection) -> {
			int total = 0;
			while (true) {
				int deleted = update(connection, this.purge, batchSize);
				total += deleted;
				if (deleted < batchSize) {
					return total;
				}
			}
		});
	}

	public String getTableName() {
		return this.tableName;
	}

	/**
	 * Runs {@code work} on a connection taken from the data source itself, never one
	 * bound to the caller's transaction, with each statement committed as it runs.
	 */
	private <T> T inOwnTransaction(String operation, Work<T> work) {
		Connection own;
		try {
			own = this.dataSource.getConnection();
		}
		catch (SQLException ex) {
			throw noConnection(operation, ex);
		}
		try (Connection connection = own) {
			boolean autoCommit = connection.getAutoCommit();
			if (!autoCommit) {
				connection.setAutoCommit(true);
			}
			try {
				return work.run(connection);
			}
			finally {
				if (!autoCommit) {
					connection.setAutoCommit(false);
				}
			}
		}
		catch (SQLException | DataAccessException ex) {
			throw IdempotencyStoreUnavailableException.forStore("JDBC", operation, ex);
		}
	}

	/**
	 * The data source gave no connection. When this thread's transaction holds one of the
	 * same data source, a pool sized for the transactions alone is the likely cause: say
	 * so, since the store needs a connection of its own beside the caller's.
	 */
	private IdempotencyStoreUnavailableException noConnection(String operation, SQLException ex) {
		if (TransactionSynchronizationManager.getResource(this.dataSource) == null) {
			return IdempotencyStoreUnavailableException.forStore("JDBC", operation, ex);
		}
		return new IdempotencyStoreUnavailableException(null, "JDBC idempotency store failed to " + operation
				+ ": the data source gave no connection (" + ex.getMessage() + ") while this thread's transaction"
				+ " holds one of it. The store works outside the caller's transaction on a connection of its own,"
				+ " so a transactional caller needs one more connection than its transaction: size the pool for it",
				ex);
	}

	private static int update(Connection connection, String sql, Object... arguments) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			bind(statement, arguments);
			return statement.executeUpdate();
		}
	}

	private Row read(Connection connection, String recordId) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(this.select)) {
			statement.setString(1, recordId);
			try (ResultSet resultSet = statement.executeQuery()) {
				if (!resultSet.next()) {
					return null;
				}
				return new Row(resultSet.getString(1), resultSet.getString(2), resultSet.getString(3),
						resultSet.getBytes(4), resultSet.getInt(5) == 1);
			}
		}
	}

	private static void bind(PreparedStatement statement, Object... arguments) throws SQLException {
		for (int i = 0; i < arguments.length; i++) {
			Object argument = arguments[i];
			if (argument instanceof String text) {
				statement.setString(i + 1, text);
			}
			else if (argument instanceof Long number) {
				statement.setLong(i + 1, number);
			}
			else if (argument instanceof Integer number) {
				statement.setInt(i + 1, number);
			}
			else if (argument instanceof byte[] bytes) {
				statement.setBytes(i + 1, bytes);
			}
			else {
				throw new IllegalArgumentException("Unexpected SQL argument type " + argument.getClass().getName());
			}
		}
	}

	private static long millis(Duration duration) {
		return Math.max(1, duration.toMillis());
	}

	@Override
	public String toString() {
		return "JdbcIdempotencyStore[table=" + this.tableName + ", dialect=" + this.dialect + "]";
	}

	@FunctionalInterface
	private interface Work<T> {

		T run(Connection connection) throws SQLException;

	}

	private record Row(String state, String fingerprint, String leaseToken, byte[] result, boolean live) {
	}

}
