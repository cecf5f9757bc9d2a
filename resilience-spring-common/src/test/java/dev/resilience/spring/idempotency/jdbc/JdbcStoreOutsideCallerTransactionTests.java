package dev.resilience.spring.idempotency.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;

import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code docs/idempotency.md}, "Choosing a store": the JDBC store runs each operation in
 * its own transaction, outside any transaction of the caller on the same data source. The
 * caller's transaction is opened the way {@code @Transactional} opens it, through a
 * transaction manager bound to the thread.
 * <p>
 * Subclasses give a data source whose lock waits are bounded, so that a store that joined
 * the caller's transaction makes the concurrent duplicate fail instead of hanging the
 * build.
 */
abstract class JdbcStoreOutsideCallerTransactionTests {

	private static final String FINGERPRINT = "fp-1";

	private final ExecutorService otherCaller = Executors.newSingleThreadExecutor();

	/**
	 * A data source on which a statement waits for a row lock at most a couple of
	 * seconds.
	 */
	protected abstract DataSource dataSource();

	protected abstract String tableName();

	protected abstract JdbcIdempotencyDialect dialect();

	@AfterEach
	void stopOtherCaller() {
		this.otherCaller.shutdownNow();
	}

	@Test
	void completedRecordSurvivesACallerWhoseTransactionRollsBack() {
		JdbcIdempotencyStore store = store();
		String id = newRecordId();
		String callersOwnRow = newRecordId();
		transaction().executeWithoutResult((status) -> {
			callerWrites(callersOwnRow);
			String token = claimed(store, id);
			assertThat(store.complete(id, token, bytes("receipt"), Duration.ofHours(1))).isTrue();
			status.setRollbackOnly();
		});
		assertThat(rowExists(callersOwnRow)).as("the caller's own write is rolled back").isFalse();
		IdempotencyRecord record = store.find(id).orElse(null);
		assertThat(record).as("the COMPLETED record outlives the caller's rollback").isNotNull();
		assertThat(record.state()).isEqualTo(IdempotencyRecord.State.COMPLETED);
		assertThat(record.result()).isEqualTo(bytes("receipt"));
		assertThat(store.claim(id, FINGERPRINT, Duration.ofMinutes(1))).isInstanceOf(ClaimResult.Completed.class);
	}

	@Test
	void storeGivenATransactionAwareProxyStillStaysOutOfTheCallersTransaction() {
		JdbcIdempotencyStore store = new JdbcIdempotencyStore(new TransactionAwareDataSourceProxy(dataSource()),
				tableName(), dialect());
		String id = newRecordId();
		String callersOwnRow = newRecordId();
		transaction().executeWithoutResult((status) -> {
			callerWrites(callersOwnRow);
			String token = claimed(store, id);
			assertThat(store.complete(id, token, bytes("receipt"), Duration.ofHours(1))).isTrue();
			status.setRollbackOnly();
		});
		assertThat(rowExists(callersOwnRow)).as("the store did not commit the caller's transaction").isFalse();
		assertThat(store.find(id)).as("the COMPLETED record outlives the caller's rollback").isPresent();
	}

	@Test
	void writesAreCommittedWhenThePoolHandsOutConnectionsOutsideAutoCommit() {
		List<Boolean> autoCommitOnReturn = Collections.synchronizedList(new ArrayList<>());
		DataSource manualCommit = new DelegatingDataSource(dataSource()) {

			@Override
			public Connection getConnection() throws SQLException {
				Connection connection = super.getConnection();
				connection.setAutoCommit(false);
				return recordingAutoCommitOnClose(connection, autoCommitOnReturn);
			}

		};
		JdbcIdempotencyStore store = new JdbcIdempotencyStore(manualCommit, tableName(), dialect());
		String id = newRecordId();
		String token = claimed(store, id);
		assertThat(store.renew(id, token, Duration.ofMinutes(1))).isTrue();
		assertThat(store.complete(id, token, bytes("receipt"), Duration.ofHours(1))).isTrue();
		IdempotencyRecord record = store(dataSource()).find(id).orElse(null);
		assertThat(record).as("seen from another connection: the writes were committed").isNotNull();
		assertThat(record.state()).isEqualTo(IdempotencyRecord.State.COMPLETED);
		assertThat(autoCommitOnReturn).as("connections go back to the pool as they came")
			.isNotEmpty()
			.containsOnly(false);
	}

	@Test
	void releaseSurvivesACallerWhoseTransactionRollsBack() {
		JdbcIdempotencyStore store = store();
		String id = newRecordId();
		String token = claimed(store, id);
		transaction().executeWithoutResult((status) -> {
			assertThat(store.release(id, token)).isTrue();
			status.setRollbackOnly();
		});
		assertThat(store.find(id)).as("a released claim stays released after the caller's rollback").isEmpty();
	}

	@Test
	void duplicateWhileTheFirstCallersTransactionIsOpenIsToldInProgressAtOnce() throws Exception {
		JdbcIdempotencyStore store = store();
		String id = newRecordId();
		transaction().executeWithoutResult((status) -> {
			String token = claimed(store, id);
			ClaimResult duplicate = onOtherCaller(() -> store.claim(id, "fp-2", Duration.ofMinutes(1)));
			assertThat(duplicate).as("the duplicate sees the committed claim, without waiting for the caller")
				.isEqualTo(new ClaimResult.InProgress(FINGERPRINT));
			assertThat(onOtherCaller(() -> store.renew(id, token, Duration.ofMinutes(1)))).isTrue();
			assertThat(store.complete(id, token, bytes("receipt"), Duration.ofHours(1))).isTrue();
			ClaimResult replay = onOtherCaller(() -> store.claim(id, FINGERPRINT, Duration.ofMinutes(1)));
			assertThat(replay).as("the result is visible before the caller's transaction ends")
				.isInstanceOf(ClaimResult.Completed.class);
			status.setRollbackOnly();
		});
	}

	private <T> T onOtherCaller(java.util.concurrent.Callable<T> call) {
		Future<T> result = this.otherCaller.submit(call);
		try {
			// a bound so that a blocked duplicate fails the test instead of hanging; the
			// data source's lock timeout normally ends the wait first
			return result.get(30, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			throw new AssertionError("the other caller failed instead of seeing the record: " + ex.getCause(),
					ex.getCause());
		}
		catch (TimeoutException ex) {
			result.cancel(true);
			return fail("the other caller is still blocked behind the open transaction");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return fail("interrupted");
		}
	}

	/**
	 * A write of the caller's own, in its transaction: a row of the same table, for
	 * brevity.
	 */
	private void callerWrites(String id) {
		new JdbcTemplate(dataSource()).update("INSERT INTO " + tableName()
				+ " (record_id, state, fingerprint, lease_token, expires_at) VALUES (?, 'IN_PROGRESS', 'caller', 'caller', "
				+ ((dialect() == JdbcIdempotencyDialect.H2) ? "CURRENT_TIMESTAMP" : "now()") + ")", id);
	}

	private boolean rowExists(String id) {
		return new JdbcTemplate(dataSource())
			.queryForObject("SELECT count(*) FROM " + tableName() + " WHERE record_id = ?", Integer.class, id) == 1;
	}

	private JdbcIdempotencyStore store() {
		return store(dataSource());
	}

	private JdbcIdempotencyStore store(DataSource dataSource) {
		return new JdbcIdempotencyStore(dataSource, tableName(), dialect());
	}

	private static Connection recordingAutoCommitOnClose(Connection connection, List<Boolean> autoCommitOnClose) {
		return (Connection) Proxy.newProxyInstance(JdbcStoreOutsideCallerTransactionTests.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, arguments) -> {
					if (method.getName().equals("close")) {
						autoCommitOnClose.add(connection.getAutoCommit());
					}
					try {
						return method.invoke(connection, arguments);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

	private TransactionTemplate transaction() {
		return new TransactionTemplate(new DataSourceTransactionManager(dataSource()));
	}

	private static String claimed(JdbcIdempotencyStore store, String id) {
		ClaimResult claim = store.claim(id, FINGERPRINT, Duration.ofMinutes(1));
		assertThat(claim).isInstanceOf(ClaimResult.Claimed.class);
		return ((ClaimResult.Claimed) claim).leaseToken();
	}

	private static String newRecordId() {
		return UUID.randomUUID().toString().replace("-", "");
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}
