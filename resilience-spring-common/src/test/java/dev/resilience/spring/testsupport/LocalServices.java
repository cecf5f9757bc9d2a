package dev.resilience.spring.testsupport;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Where the tests find Redis and PostgreSQL, and the checks behind {@link RequiresRedis}
 * and {@link RequiresPostgres}. Each service is probed once per JVM.
 */
public final class LocalServices {

	public static final String REDIS_HOST = "127.0.0.1";

	public static final int REDIS_PORT = 6379;

	public static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";

	public static final String POSTGRES_USER = "postgres";

	/**
	 * Environment variable that turns a missing service into a failure instead of a skip.
	 */
	public static final String REQUIRE_SERVICES = "RESILIENCE_REQUIRE_SERVICES";

	private static final ConcurrentMap<String, String> PROBES = new ConcurrentHashMap<>();

	private LocalServices() {
	}

	/**
	 * Whether the test class may run: enabled when the service answered; otherwise
	 * disabled (so surefire reports the tests as skipped) with a message on standard
	 * error, or, when {@code RESILIENCE_REQUIRE_SERVICES=true}, an {@link AssertionError}
	 * that fails the class.
	 */
	static ConditionEvaluationResult evaluate(String service, ExtensionContext context,
			java.util.function.Supplier<String> probe) {
		try {
			require(service, context, probe);
			return ConditionEvaluationResult.enabled(service + " is available");
		}
		catch (TestAbortedException ex) {
			return ConditionEvaluationResult.disabled(ex.getMessage());
		}
	}

	/** Aborts (or, when services are required, fails) unless the service answered. */
	static void require(String service, ExtensionContext context, java.util.function.Supplier<String> probe) {
		String problem = PROBES.computeIfAbsent(service, (name) -> {
			String result = probe.get();
			return (result != null) ? result : "";
		});
		if (problem.isEmpty()) {
			return;
		}
		String message = service + " is not available (" + problem + "): " + context.getDisplayName();
		if ("true".equalsIgnoreCase(System.getenv(REQUIRE_SERVICES))) {
			throw new AssertionError(message + ", and " + REQUIRE_SERVICES + "=true requires it");
		}
		System.err.println("SKIPPED: " + message + " (set " + REQUIRE_SERVICES + "=true to fail instead)");
		Assumptions.abort(message);
	}

	/** {@code null} when Redis answers PING, else what went wrong. */
	static String probeRedis() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(REDIS_HOST, REDIS_PORT), 1000);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = new byte[7];
			int read = in.readNBytes(reply, 0, 7);
			String answer = new String(reply, 0, read, StandardCharsets.US_ASCII);
			return answer.startsWith("+PONG") ? null : "unexpected reply to PING: " + answer.trim();
		}
		catch (Exception ex) {
			return REDIS_HOST + ":" + REDIS_PORT + ": " + ex;
		}
	}

	/** {@code null} when PostgreSQL accepts a connection, else what went wrong. */
	static String probePostgres() {
		Properties properties = new Properties();
		properties.setProperty("user", POSTGRES_USER);
		properties.setProperty("connectTimeout", "2");
		properties.setProperty("loginTimeout", "2");
		try (Connection connection = DriverManager.getConnection(POSTGRES_URL, properties)) {
			return connection.isValid(2) ? null : "connection not valid";
		}
		catch (Exception ex) {
			return POSTGRES_URL + ": " + ex;
		}
	}

	static final class RedisCondition implements ExecutionCondition {

		@Override
		public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
			return evaluate("Redis", context, LocalServices::probeRedis);
		}

	}

	static final class PostgresCondition implements ExecutionCondition {

		@Override
		public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
			return evaluate("PostgreSQL", context, LocalServices::probePostgres);
		}

	}

}
