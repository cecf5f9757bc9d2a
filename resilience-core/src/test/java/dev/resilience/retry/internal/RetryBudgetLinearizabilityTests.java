package dev.resilience.retry.internal;

import java.time.Duration;

import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

import dev.resilience.retry.RetryConfig.BudgetConfig;
import dev.resilience.testing.FakeTicker;

/**
 * Lincheck, in stress mode (model checking would need extra JVM flags on JDK 17): the
 * budget's lock-free counters, within one time slot, behave as if calls and retry
 * withdrawals happened one at a time. With {@code ratio 0.5} and no floor, a sequential
 * history grants the k-th retry only once 2k calls were made; a concurrent one may
 * neither grant a retry no order could grant nor refuse one every order would grant.
 */
public class RetryBudgetLinearizabilityTests {

	private final RetryBudget budget = new RetryBudget(BudgetConfig.of(0.5, 0, Duration.ofSeconds(10)),
			new FakeTicker());

	public RetryBudgetLinearizabilityTests() {
	}

	@Operation
	public void deposit() {
		this.budget.deposit();
	}

	@Operation
	public boolean tryWithdraw() {
		return this.budget.tryWithdraw();
	}

	@Test
	public void depositsAndWithdrawalsAreLinearizable() {
		new StressOptions().iterations(20)
			.invocationsPerIteration(500)
			.threads(3)
			.actorsPerThread(3)
			.check(RetryBudgetLinearizabilityTests.class);
	}

}
