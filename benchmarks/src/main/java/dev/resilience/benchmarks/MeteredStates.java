package dev.resilience.benchmarks;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntUnaryOperator;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The contexts of the metrics-on benchmarks, one per library, each with a Prometheus
 * registry its library's meters are bound to as in an application, and the proof that
 * those meters counted the calls: the calls each benchmark thread made are counted
 * ({@link Calls}), and both after a few calls in setup and at the end of the trial the
 * registry's call counts, read through Micrometer and again from a scrape, must equal
 * them exactly. Otherwise the state throws, which fails the benchmark.
 */
public final class MeteredStates {

	/** Calls made to each bean in setup, before the first check. */
	static final int SETUP_CALLS = 10;

	/** The bulkheads' limit in {@link Contexts#settings()}. */
	static final int BULKHEAD_LIMIT = 25;

	private MeteredStates() {
	}

	/**
	 * The calls one benchmark thread made, per bean: a plain field of the thread's own
	 * state (which JMH pads against false sharing), incremented by the benchmark method,
	 * so that counting costs one increment and no synchronization.
	 */
	@State(Scope.Thread)
	public static class Calls {

		long circuitBreaker;

		long retry;

		long bulkhead;

		long stack;

		@Setup(Level.Trial)
		public void join(Tally tally) {
			tally.threads.add(this);
		}

	}

	/**
	 * Every thread's {@link Calls}, read once the threads have stopped calling (JMH lets
	 * no state tear down before all threads have left the iteration).
	 */
	@State(Scope.Benchmark)
	public static class Tally {

		final Queue<Calls> threads = new ConcurrentLinkedQueue<>();

		Calls total(Calls setupCalls) {
			Calls total = new Calls();
			total.circuitBreaker = setupCalls.circuitBreaker;
			total.retry = setupCalls.retry;
			total.bulkhead = setupCalls.bulkhead;
			total.stack = setupCalls.stack;
			for (Calls thread : this.threads) {
				total.circuitBreaker += thread.circuitBreaker;
				total.retry += thread.retry;
				total.bulkhead += thread.bulkhead;
				total.stack += thread.stack;
			}
			return total;
		}

	}

	abstract static class MeteredState {

		ConfigurableApplicationContext context;

		PrometheusMeterRegistry registry;

		private Tally tally;

		/** The calls of the setup, which the meters count too. */
		final Calls setupCalls = new Calls();

		abstract Class<?> configuration();

		abstract void lookUp();

		/** Checks each bean is proxied and calls it {@link #SETUP_CALLS} times. */
		abstract void callEachBean();

		/**
		 * Compares the library's meters, and the scrape, with the calls made.
		 */
		abstract void checkMeters(Calls made, String scrape);

		@Setup(Level.Trial)
		public void start(Tally tally) {
			this.tally = tally;
			this.context = Contexts.start(configuration());
			this.registry = onlyRegistry(this.context);
			lookUp();
			callEachBean();
			check();
		}

		@TearDown(Level.Trial)
		public void stop() {
			try {
				check();
			}
			finally {
				this.context.close();
			}
		}

		private void check() {
			checkMeters(this.tally.total(this.setupCalls), this.registry.scrape());
		}

		/**
		 * The registry an application's meters go to: the Prometheus one, alone (a second
		 * registry would put a composite in front of it).
		 */
		private static PrometheusMeterRegistry onlyRegistry(ConfigurableApplicationContext context) {
			Map<String, MeterRegistry> registries = context.getBeansOfType(MeterRegistry.class);
			if (registries.size() != 1
					|| !(registries.values().iterator().next() instanceof PrometheusMeterRegistry prometheus)) {
				throw new IllegalStateException("expected one PrometheusMeterRegistry, found " + registries);
			}
			return prometheus;
		}

		<T> T bean(Class<T> type) {
			return this.context.getBean(type);
		}

		/**
		 * The meter's {@code COUNT} statistic, whatever kind of meter it is (a timer, a
		 * function timer, a counter), and the same sample in the scrape, both equal to
		 * the calls made.
		 */
		void expectCount(String scrape, String name, String prometheusSample, long made, String... tags) {
			long counted = (long) statistic(name, Statistic.COUNT, tags);
			if (counted != made) {
				throw new IllegalStateException(
						name + Arrays.toString(tags) + " counted " + counted + " calls, the benchmark made " + made);
			}
			long scraped = (long) scraped(scrape, prometheusSample, tags);
			if (scraped != made) {
				throw new IllegalStateException("the scrape's " + prometheusSample + Arrays.toString(tags) + " is "
						+ scraped + ", the benchmark made " + made + " calls");
			}
		}

		/**
		 * The gauge and its sample in the scrape, both {@link #BULKHEAD_LIMIT} once every
		 * call has returned its permit.
		 */
		void expectAllPermitsFree(String scrape, String name, String prometheusSample) {
			double available = statistic(name, Statistic.VALUE);
			double scraped = scraped(scrape, prometheusSample);
			if (available != BULKHEAD_LIMIT || scraped != BULKHEAD_LIMIT) {
				throw new IllegalStateException(name + " is " + available + " (scraped: " + scraped + ") instead of "
						+ BULKHEAD_LIMIT + " with no call in flight");
			}
		}

		private double statistic(String name, Statistic statistic, String... tags) {
			Collection<Meter> meters = this.registry.find(name).tag("name", Contexts.NAME).tags(tags).meters();
			double sum = 0;
			boolean found = false;
			for (Meter meter : meters) {
				for (Measurement measurement : meter.measure()) {
					if (measurement.getStatistic() == statistic) {
						sum += measurement.getValue();
						found = true;
					}
				}
			}
			if (!found) {
				throw new IllegalStateException("the Prometheus registry has no " + statistic + " of " + name
						+ Arrays.toString(tags) + " for " + Contexts.NAME + " (meters found: " + meters.size() + ")");
			}
			return sum;
		}

		/**
		 * The sum of the scrape's samples of that name whose labels include
		 * {@code name="bench"} and the given tags.
		 */
		private static double scraped(String scrape, String sample, String... tags) {
			double sum = 0;
			boolean found = false;
			for (String line : scrape.split("\n")) {
				if (!line.startsWith(sample + "{")) {
					continue;
				}
				int end = line.indexOf('}');
				String labels = line.substring(sample.length() + 1, end);
				boolean matches = hasLabel(labels, "name", Contexts.NAME);
				for (int i = 0; i < tags.length; i += 2) {
					matches &= hasLabel(labels, tags[i], tags[i + 1]);
				}
				if (matches) {
					sum += Double.parseDouble(line.substring(end + 1).trim().split(" ")[0]);
					found = true;
				}
			}
			if (!found) {
				throw new IllegalStateException(
						"the scrape has no sample " + sample + Arrays.toString(tags) + " for " + Contexts.NAME);
			}
			return sum;
		}

		private static boolean hasLabel(String labels, String key, String value) {
			return ("," + labels + ",").contains("," + key + "=\"" + value + "\",");
		}

		/**
		 * Checks that each bean is proxied, then calls the breaker, retry, bulkhead and
		 * stack beans {@link #SETUP_CALLS} times each and counts those calls.
		 */
		final void callEachBean(Object[] beans, IntUnaryOperator circuitBreaker, IntUnaryOperator retry,
				IntUnaryOperator bulkhead, IntUnaryOperator stack) {
			for (Object bean : beans) {
				States.ContextState.expectProxy(bean);
			}
			for (int i = 0; i < SETUP_CALLS; i++) {
				States.ContextState.expect(circuitBreaker.applyAsInt(1));
				States.ContextState.expect(retry.applyAsInt(1));
				States.ContextState.expect(bulkhead.applyAsInt(1));
				States.ContextState.expect(stack.applyAsInt(1));
			}
			this.setupCalls.circuitBreaker += SETUP_CALLS;
			this.setupCalls.retry += SETUP_CALLS;
			this.setupCalls.bulkhead += SETUP_CALLS;
			this.setupCalls.stack += SETUP_CALLS;
		}

	}

	/** Our starter with our meters bound to the Prometheus registry. */
	@State(Scope.Benchmark)
	public static class Ours extends MeteredState {

		Beans.OursCircuitBreaker circuitBreaker;

		Beans.OursRetry retry;

		Beans.OursBulkhead bulkhead;

		Beans.OursStack stack;

		@Override
		Class<?> configuration() {
			return OursMetricsConfiguration.class;
		}

		@Override
		void lookUp() {
			this.circuitBreaker = bean(Beans.OursCircuitBreaker.class);
			this.retry = bean(Beans.OursRetry.class);
			this.bulkhead = bean(Beans.OursBulkhead.class);
			this.stack = bean(Beans.OursStack.class);
		}

		@Override
		void callEachBean() {
			callEachBean(new Object[] { this.circuitBreaker, this.retry, this.bulkhead, this.stack },
					this.circuitBreaker::work, this.retry::work, this.bulkhead::work, this.stack::work);
		}

		/** The stack's breaker and retry are the same instances as the single beans'. */
		@Override
		void checkMeters(Calls made, String scrape) {
			expectCount(scrape, "resilience.circuitbreaker.calls", "resilience_circuitbreaker_calls_seconds_count",
					made.circuitBreaker + made.stack, "outcome", "success");
			expectCount(scrape, "resilience.retry.calls", "resilience_retry_calls_total", made.retry + made.stack,
					"kind", "successful_without_retry");
			expectAllPermitsFree(scrape, "resilience.bulkhead.available.concurrent.calls",
					"resilience_bulkhead_available_concurrent_calls");
		}

	}

	/** resilience4j with its Micrometer publishers on the Prometheus registry. */
	@State(Scope.Benchmark)
	public static class Resilience4j extends MeteredState {

		Beans.R4jCircuitBreaker circuitBreaker;

		Beans.R4jRetry retry;

		Beans.R4jBulkhead bulkhead;

		Beans.R4jStack stack;

		@Override
		Class<?> configuration() {
			return R4jMetricsConfiguration.class;
		}

		@Override
		void lookUp() {
			this.circuitBreaker = bean(Beans.R4jCircuitBreaker.class);
			this.retry = bean(Beans.R4jRetry.class);
			this.bulkhead = bean(Beans.R4jBulkhead.class);
			this.stack = bean(Beans.R4jStack.class);
		}

		@Override
		void callEachBean() {
			callEachBean(new Object[] { this.circuitBreaker, this.retry, this.bulkhead, this.stack },
					this.circuitBreaker::work, this.retry::work, this.bulkhead::work, this.stack::work);
			States.Resilience4j.checkSettings(this.context);
		}

		@Override
		void checkMeters(Calls made, String scrape) {
			expectCount(scrape, "resilience4j.circuitbreaker.calls", "resilience4j_circuitbreaker_calls_seconds_count",
					made.circuitBreaker + made.stack, "kind", "successful");
			expectCount(scrape, "resilience4j.retry.calls", "resilience4j_retry_calls_total", made.retry + made.stack,
					"kind", "successful_without_retry");
			expectAllPermitsFree(scrape, "resilience4j.bulkhead.available.concurrent.calls",
					"resilience4j_bulkhead_available_concurrent_calls");
		}

	}

}
