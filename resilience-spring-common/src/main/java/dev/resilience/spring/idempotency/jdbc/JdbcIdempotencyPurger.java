package dev.resilience.spring.idempotency.jdbc;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Deletes expired idempotency rows in batches at a fixed interval, on a daemon thread of
 * its own so that database time never delays the engine's scheduler. A failed purge is
 * logged and tried again at the next interval.
 */
public class JdbcIdempotencyPurger implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(JdbcIdempotencyPurger.class);

	private final JdbcIdempotencyStore store;

	private final Duration interval;

	private final int batchSize;

	private volatile ScheduledExecutorService executor;

	public JdbcIdempotencyPurger(JdbcIdempotencyStore store, Duration interval, int batchSize) {
		this.store = store;
		this.interval = interval;
		this.batchSize = batchSize;
	}

	@Override
	public void start() {
		ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "resilience-idempotency-purge");
			thread.setDaemon(true);
			return thread;
		});
		long millis = this.interval.toMillis();
		started.scheduleWithFixedDelay(this::purge, millis, millis, TimeUnit.MILLISECONDS);
		this.executor = started;
	}

	/** Runs one purge now; returns how many rows it deleted, or -1 when it failed. */
	public int purge() {
		try {
			int deleted = this.store.purgeExpired(this.batchSize);
			if (deleted > 0 && logger.isDebugEnabled()) {
				logger.debug("Purged " + deleted + " expired idempotency records from " + this.store.getTableName());
			}
			return deleted;
		}
		catch (RuntimeException ex) {
			logger.warn("Purging expired idempotency records from " + this.store.getTableName()
					+ " failed; trying again in " + this.interval + ": " + ex.getMessage());
			return -1;
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService running = this.executor;
		if (running != null) {
			running.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

}
