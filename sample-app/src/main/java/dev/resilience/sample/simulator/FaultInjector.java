package dev.resilience.sample.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Applies the current {@link Faults} to every request of the simulated downstream before
 * its handler runs: first the latency, then a reset with probability {@code resetRate},
 * else a {@code 500} with probability {@code errorRate}.
 * <p>
 * A reset is simulated without access to the socket: the answer announces a body of 1
 * KiB, sends a few bytes of it and closes the connection. The client fails with an I/O
 * error in the middle of the response, as it does when a peer resets the connection (a
 * {@code ResourceAccessException} for Spring's {@code RestClient}).
 * <p>
 * Thread-safe: faults are switched atomically and read once per request.
 */
@Component
public class FaultInjector implements HandlerInterceptor {

	private static final byte[] TRUNCATED_BODY = "{\"sku\":".getBytes(StandardCharsets.US_ASCII);

	private volatile Faults faults = Faults.NONE;

	public Faults get() {
		return this.faults;
	}

	public void set(Faults faults) {
		this.faults = faults;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws IOException, InterruptedException {
		Faults faults = this.faults;
		if (faults.latencyMs() > 0) {
			Thread.sleep(faults.latencyMs());
		}
		ThreadLocalRandom random = ThreadLocalRandom.current();
		if (random.nextDouble() < faults.resetRate()) {
			response.setStatus(HttpServletResponse.SC_OK);
			response.setContentType(MediaType.APPLICATION_JSON_VALUE);
			response.setHeader(HttpHeaders.CONNECTION, "close");
			response.setContentLength(1024);
			response.getOutputStream().write(TRUNCATED_BODY);
			response.flushBuffer();
			return false;
		}
		if (random.nextDouble() < faults.errorRate()) {
			response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.getWriter()
				.write("{\"title\":\"Simulated failure\",\"status\":500,\"detail\":\"errorRate is set\"}");
			return false;
		}
		return true;
	}

}
