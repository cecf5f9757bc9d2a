package dev.resilience.spring.aop;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A protected method that calls another protected bean on the same thread: each call
 * keeps its own invocation, whatever the other one does, and a retry of the outer call
 * re-runs the outer method.
 */
class NestedProtectedCallTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
		.withPropertyValues("resilience.retry.defaults.wait-duration=0ms", "resilience.retry.defaults.jitter=none",
				"resilience.retry.defaults.budget.enabled=false")
		.withBean(Inner.class)
		.withBean(Outer.class);

	@Test
	void outerRetryRerunsTheOuterMethodAfterANestedProtectedCall() {
		this.runner.run((context) -> {
			Outer outer = context.getBean(Outer.class);

			assertThat(outer.call("x")).isEqualTo("outer(inner(x)) on attempt 2");

			assertThat(outer.journal()).containsExactly("outer 1", "inner x", "outer 2", "inner x");
		});
	}

	@Test
	void nestedFallbackAnswersOnlyTheInnerCall() {
		this.runner.run((context) -> {
			Outer outer = context.getBean(Outer.class);

			assertThat(outer.callFailingInner("y")).isEqualTo("outer saw inner fallback for y");
		});
	}

	public static class Inner {

		private final List<String> journal = new ArrayList<>();

		/**
		 * Through a method: the bean is a class-based proxy, whose own fields are empty.
		 */
		public List<String> journal() {
			return this.journal;
		}

		@Retry(name = "inner")
		public String work(String value) {
			this.journal.add("inner " + value);
			return "inner(" + value + ")";
		}

		@Fallback(method = "failingFallback")
		public String failing(String value) {
			throw new IllegalStateException("inner down");
		}

		String failingFallback(String value, IllegalStateException failure) {
			return "inner fallback for " + value;
		}

	}

	public static class Outer {

		private final Inner inner;

		private int attempts;

		public Outer(Inner inner) {
			this.inner = inner;
		}

		public List<String> journal() {
			return this.inner.journal();
		}

		@Retry(name = "outer")
		public String call(String value) {
			this.attempts++;
			this.inner.journal().add("outer " + this.attempts);
			String nested = this.inner.work(value);
			if (this.attempts == 1) {
				throw new IllegalStateException("outer fails once after the nested call");
			}
			return "outer(" + nested + ") on attempt " + this.attempts;
		}

		@Retry(name = "outer")
		public String callFailingInner(String value) {
			return "outer saw " + this.inner.failing(value);
		}

	}

}
