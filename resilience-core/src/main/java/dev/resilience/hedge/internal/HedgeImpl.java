package dev.resilience.hedge.internal;

import java.lang.System.Logger;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.CheckedFunction;
import dev.resilience.ContextPropagator;
import dev.resilience.Scheduler;
import dev.resilience.Ticker;
import dev.resilience.hedge.Hedge;
import dev.resilience.hedge.HedgeConfig;
import dev.resilience.hedge.HedgeListener;
import dev.resilience.hedge.HedgeOutcome;
import dev.resilience.internal.Durations;
import dev.resilience.internal.LatencyQuantile;
import dev.resilience.internal.ListenerList;
import dev.resilience.internal.RatioBudget;

import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * The {@link Hedge}: what its calls share (the budget, the learned delay, counters and
 * listeners). Each call is a {@link HedgedCall}.
 */
public final class HedgeImpl implements Hedge, Hedge.Metrics {

	private static final Logger LOGGER = System.getLogger("dev.resilience.hedge");

	/**
	 * Longest delay honoured, about 73 years, so that no scheduler arithmetic overflows.
	 */
	private static final long MAX_NANOS = Long.MAX_VALUE >> 2;

	/**
	 * Fewest latencies a learned quantile needs, as a multiple of the samples that lie
	 * above it on average ({@code 1 / (1 - q)}): with fewer, the configured delay alone
	 * is used.
	 */
	private static final int SAMPLES_PER_TAIL_SAMPLE = 2;

	private static final int MIN_SAMPLES = 10;

	private final String name;

	private final HedgeConfig config;

	private final Ticker ticker;

	private final Scheduler scheduler;

	private final ContextPropagator propagator;

	private final long delayNanos;

	private final int maxAttempts;

	/** {@code null} without a delay quantile. */
	private final LatencyQuantile quantile;

	private final RatioBudget budget;

	private final LongAdder primaryWon = new LongAdder();

	private final LongAdder hedgeWon = new LongAdder();

	private final LongAdder failed = new LongAdder();

	private final LongAdder budgetExhausted = new LongAdder();

	private final LongAdder hedgedAttempts = new LongAdder();

	private final ListenerList<HedgeListener> listeners;

	public HedgeImpl(String name, HedgeConfig config, Ticker ticker, Scheduler scheduler,
			ContextPropagator propagator) {
		this.name = requireNonNull(name, "name");
		this.config = requireNonNull(config, "config");
		this.ticker = requireNonNull(ticker, "ticker");
		this.scheduler = requireNonNull(scheduler, "scheduler");
		this.propagator = requireNonNull(propagator, "propagator");
		this.delayNanos = Durations.toNanosAtMost(config.getDelay(), MAX_NANOS);
		this.maxAttempts = config.getMaxHedgedAttempts() + 1;
		if (config.getDelayQuantile().isPresent()) {
			double q = config.getDelayQuantile().getAsDouble();
			int minimum = (int) Math.max(MIN_SAMPLES, Math.ceil(SAMPLES_PER_TAIL_SAMPLE / (1 - q)));
			this.quantile = new LatencyQuantile(q, config.getBudgetWindow(), minimum, ticker);
		}
		else {
			this.quantile = null;
		}
		this.budget = new RatioBudget(config.getBudgetRatio(), 0, config.getBudgetWindow(), ticker);
		this.listeners = new ListenerList<>(LOGGER, "Hedge '" + name + "'");
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public HedgeConfig getConfig() {
		return this.config;
	}

	@Override
	public Metrics getMetrics() {
		return this;
	}

	@Override
	public <A, T> CompletionStage<T> executeAsync(CheckedFunction<? super A, ? extends CompletionStage<T>> call,
			A argument) {
		requireNonNull(call, "call");
		HedgedCall<A, T> hedged = new HedgedCall<>(this, call, argument);
		hedged.start();
		return hedged.result;
	}

	@Override
	public Duration getCurrentDelay() {
		return Duration.ofNanos(currentDelayNanos());
	}

	long currentDelayNanos() {
		LatencyQuantile quantile = this.quantile;
		if (quantile == null) {
			return this.delayNanos;
		}
		long learned = quantile.quantileNanos();
		return Math.max(this.delayNanos, Math.min(learned, MAX_NANOS));
	}

	/** Whether attempt latencies are wanted: only with a delay quantile. */
	boolean learnsLatencies() {
		return this.quantile != null;
	}

	void recordLatency(long nanos) {
		this.quantile.record(nanos);
	}

	void deposit() {
		this.budget.deposit();
	}

	boolean tryWithdraw() {
		return this.budget.tryWithdraw();
	}

	int maxAttempts() {
		return this.maxAttempts;
	}

	Ticker ticker() {
		return this.ticker;
	}

	Scheduler scheduler() {
		return this.scheduler;
	}

	Runnable propagate(Runnable task) {
		return this.propagator.wrap(task);
	}

	void record(HedgeOutcome outcome) {
		switch (outcome) {
			case PRIMARY_WON -> this.primaryWon.increment();
			case HEDGE_WON -> this.hedgeWon.increment();
			case FAILED -> this.failed.increment();
			case BUDGET_EXHAUSTED -> {
				this.budgetExhausted.increment();
				LOGGER.log(Logger.Level.DEBUG, "Hedge ''{0}'': hedge budget exhausted, no hedge sent", this.name);
			}
		}
		if (!this.listeners.isEmpty()) {
			this.listeners.fire(HedgeListener::onOutcome, this, outcome);
		}
	}

	void beforeHedge(int attempt) {
		this.hedgedAttempts.increment();
		if (!this.listeners.isEmpty()) {
			this.listeners.fire(HedgeImpl::fireHedge, this, attempt);
		}
	}

	private static void fireHedge(HedgeListener listener, Hedge hedge, Integer attempt) {
		listener.onHedge(hedge, attempt);
	}

	@Override
	public void addListener(HedgeListener listener) {
		this.listeners.add(requireNonNull(listener, "listener"));
	}

	@Override
	public void removeListener(HedgeListener listener) {
		this.listeners.remove(listener);
	}

	@Override
	public long getNumberOfPrimaryWonCalls() {
		return this.primaryWon.sum();
	}

	@Override
	public long getNumberOfHedgeWonCalls() {
		return this.hedgeWon.sum();
	}

	@Override
	public long getNumberOfFailedCalls() {
		return this.failed.sum();
	}

	@Override
	public long getNumberOfBudgetExhaustedCalls() {
		return this.budgetExhausted.sum();
	}

	@Override
	public long getNumberOfHedgedAttempts() {
		return this.hedgedAttempts.sum();
	}

	@Override
	public String toString() {
		return "Hedge '" + this.name + "' " + this.config;
	}

}
