package dev.resilience.spring.idempotency.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.resilience.idempotency.ClaimResult;
import dev.resilience.idempotency.IdempotencyRecord;
import dev.resilience.idempotency.IdempotencyStoreUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The JDBC store with a database that fails at one step of an operation, for every step
 * in turn (taking the connection, switching auto-commit, preparing, executing): the
 * operation either completes or fails with {@link IdempotencyStoreUnavailableException},
 * every connection goes back, and the record is left in a state the operation allows,
 * never a half-way one. On H2, with connections handed out outside auto-commit, as a
 * JPA-minded pool does.
 */
class JdbcStoreFaultTests {

	private static final String TABLE = JdbcIdempotencyStoreContractTests.uniqueTableName();

	private static DataSource database;

	private final FaultyDataSource faulty = new FaultyDataSource(database);

	private final JdbcIdempotencyStore store = new JdbcIdempotencyStore(this.faulty, TABLE, JdbcIdempotencyDialect.H2);

	private final JdbcIdempotencyStore healthy = new JdbcIdempotencyStore(database, TABLE, JdbcIdempotencyDialect.H2);

	@BeforeAll
	static void createTable() {
		database = new DriverManagerDataSource("jdbc:h2:mem:" + TABLE + ";DB_CLOSE_DELAY=-1", "sa", "");
		new JdbcIdempotencySchemaInitializer(database, TABLE, JdbcIdempotencyDialect.H2).initialize();
	}

	@Test
	void claimFailingAtAnyStepLeavesNoRecordOrAWholeClaim() {
		everyFault((id) -> {
			this.store.claim(id, "fp", Duration.ofMinutes(1));
			return null;
		}, (id) -> id, (id, failed) -> {
			IdempotencyRecord record = this.healthy.find(id).orElse(null);
			if (!failed) {
				assertThat(record).isNotNull();
			}
			if (record != null) {
				assertThat(record.state()).isEqualTo(IdempotencyRecord.State.IN_PROGRESS);
				assertThat(record.fingerprint()).isEqualTo("fp");
			}
		});
	}

	@Test
	void completeFailingAtAnyStepLeavesTheClaimOrTheWholeResult() {
		String[] token = new String[1];
		everyFault((id) -> this.store.complete(id, token[0], bytes("receipt"), Duration.ofHours(1)), (id) -> {
			token[0] = ((ClaimResult.Claimed) this.healthy.claim(id, "fp", Duration.ofMinutes(1))).leaseToken();
			return id;
		}, (id, failed) -> {
			IdempotencyRecord record = this.healthy.find(id).orElseThrow();
			if (record.state() == IdempotencyRecord.State.COMPLETED) {
				assertThat(record.result()).isEqualTo(bytes("receipt"));
			}
			else {
				assertThat(failed).as("only a failed completion leaves the claim").isTrue();
				assertThat(record.leaseToken()).isEqualTo(token[0]);
				assertThat(this.healthy.complete(id, token[0], bytes("receipt"), Duration.ofHours(1)))
					.as("the owner can still complete after the fault")
					.isTrue();
			}
		});
	}

	@Test
	void renewAndReleaseFailingAtAnyStepLeaveTheClaimOrItsWholeEffect() {
		String[] token = new String[1];
		everyFault((id) -> this.store.release(id, token[0]), (id) -> {
			token[0] = ((ClaimResult.Claimed) this.healthy.claim(id, "fp", Duration.ofMinutes(1))).leaseToken();
			return id;
		}, (id, failed) -> this.healthy.find(id)
			.ifPresent((record) -> assertThat(record.leaseToken()).isEqualTo(token[0])));
		everyFault((id) -> this.store.renew(id, token[0], Duration.ofMinutes(5)), (id) -> {
			token[0] = ((ClaimResult.Claimed) this.healthy.claim(id, "fp", Duration.ofMinutes(1))).leaseToken();
			return id;
		}, (id, failed) -> assertThat(this.healthy.find(id).orElseThrow().leaseToken()).isEqualTo(token[0]));
	}

	/**
	 * Runs {@code operation} once per step it takes, failing that step, and once more
	 * with no fault; after each run checks that no connection is left open and that
	 * {@code check} holds.
	 */
	private void everyFault(Function<String, Object> operation, Function<String, String> setUp, FaultCheck check) {
		int step = 1;
		while (true) {
			String id = setUp.apply(UUID.randomUUID().toString().replace("-", ""));
			this.faulty.failAtStep(step);
			Throwable thrown = catchThrowable(() -> operation.apply(id));
			boolean faulted = this.faulty.faulted();
			this.faulty.failAtStep(0);
			assertThat(this.faulty.openConnections()).as("connections open after a fault at step " + step).isZero();
			if (faulted) {
				assertThat(thrown).as("fault at step " + step).isInstanceOf(IdempotencyStoreUnavailableException.class);
			}
			else {
				assertThat(thrown).as("no fault at step " + step).isNull();
			}
			check.check(id, faulted);
			if (!faulted) {
				return; // the operation took fewer steps than this: every step has failed
						// once
			}
			step++;
		}
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	@FunctionalInterface
	private interface FaultCheck {

		void check(String id, boolean failed);

	}

	/**
	 * Hands out connections outside auto-commit, counts them, and fails the n-th JDBC
	 * step.
	 */
	private static final class FaultyDataSource extends DelegatingDataSource {

		private static final Set<String> STEPS = Set.of("setAutoCommit", "prepareStatement", "executeUpdate",
				"executeQuery", "commit");

		private final AtomicInteger steps = new AtomicInteger();

		private final AtomicInteger open = new AtomicInteger();

		private volatile int failAt;

		private volatile boolean faulted;

		FaultyDataSource(DataSource target) {
			super(target);
		}

		void failAtStep(int step) {
			this.steps.set(0);
			this.faulted = false;
			this.failAt = step;
		}

		boolean faulted() {
			return this.faulted;
		}

		int openConnections() {
			return this.open.get();
		}

		@Override
		public Connection getConnection() throws SQLException {
			step("getConnection");
			Connection connection = super.getConnection();
			connection.setAutoCommit(false);
			this.open.incrementAndGet();
			return proxy(Connection.class, connection);
		}

		private void step(String name) throws SQLException {
			if (this.steps.incrementAndGet() == this.failAt) {
				this.faulted = true;
				throw new SQLException("injected fault at " + name, "08006");
			}
		}

		private <T> T proxy(Class<T> type, T target) {
			return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { type },
					(proxy, method, arguments) -> {
						if (STEPS.contains(method.getName())) {
							step(method.getName());
						}
						if (type == Connection.class && method.getName().equals("close")) {
							this.open.decrementAndGet();
						}
						try {
							Object result = method.invoke(target, arguments);
							return (result instanceof PreparedStatement statement)
									? proxy(PreparedStatement.class, statement) : result;
						}
						catch (InvocationTargetException ex) {
							throw ex.getCause();
						}
					}));
		}

	}

}
