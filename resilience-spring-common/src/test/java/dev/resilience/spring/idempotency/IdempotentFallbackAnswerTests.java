package dev.resilience.spring.idempotency;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Idempotent;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceIdempotencyAutoConfiguration;
import dev.resilience.spring.testsupport.BootLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Idempotent} around {@code @Fallback} on one bean, through the proxy: a degraded
 * answer is handed back but never stored, so the next call with the key runs the method
 * again once the downstream heals; {@code store-fallback-results: true} stores it like
 * any result.
 */
class IdempotentFallbackAnswerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class,
				ResilienceIdempotencyAutoConfiguration.class, BootLine.type(BootLine.JACKSON)))
		.withBean(Quotes.class);

	@Test
	void fallbackAnswerIsReturnedButNotStoredSoTheKeyRunsAgainWhenTheDownstreamHeals() {
		this.runner.run((context) -> {
			Quotes quotes = context.getBean(Quotes.class);
			quotes.downstreamDown(true);
			assertThat(quotes.quote("q-1")).isEqualTo("fallback:q-1");

			quotes.downstreamDown(false);
			assertThat(quotes.quote("q-1")).isEqualTo("live:q-1");
			assertThat(quotes.quote("q-1")).as("the real answer is stored and replayed").isEqualTo("live:q-1");
			assertThat(quotes.runs()).as("method bodies run").hasValue(2);
		});
	}

	@Test
	void asyncFallbackAnswerIsReturnedButNotStored() {
		this.runner.run((context) -> {
			Quotes quotes = context.getBean(Quotes.class);
			quotes.downstreamDown(true);
			assertThat(quotes.quoteAsync("q-2").join()).isEqualTo("fallback:q-2");

			quotes.downstreamDown(false);
			assertThat(quotes.quoteAsync("q-2").join()).isEqualTo("live:q-2");
			assertThat(quotes.quoteAsync("q-2").join()).isEqualTo("live:q-2");
			assertThat(quotes.runs()).hasValue(2);
		});
	}

	@Test
	void storeFallbackResultsTrueStoresTheDegradedAnswerLikeAnyResult() {
		this.runner.withPropertyValues("resilience.idempotency.instances.[Quotes.quote].store-fallback-results=true")
			.run((context) -> {
				Quotes quotes = context.getBean(Quotes.class);
				quotes.downstreamDown(true);
				assertThat(quotes.quote("q-3")).isEqualTo("fallback:q-3");

				quotes.downstreamDown(false);
				assertThat(quotes.quote("q-3")).as("replayed").isEqualTo("fallback:q-3");
				assertThat(quotes.runs()).hasValue(1);
			});
	}

	static class Quotes {

		// Reached through methods: a test holds the class proxy, whose own fields are
		// unset.
		private final AtomicBoolean down = new AtomicBoolean();

		private final AtomicInteger runs = new AtomicInteger();

		public void downstreamDown(boolean down) {
			this.down.set(down);
		}

		public AtomicInteger runs() {
			return this.runs;
		}

		@Idempotent(key = "#key")
		@Fallback(method = "cached")
		public String quote(String key) {
			this.runs.incrementAndGet();
			if (this.down.get()) {
				throw new IllegalStateException("downstream unavailable");
			}
			return "live:" + key;
		}

		@Idempotent(key = "#key")
		@Fallback(method = "cachedAsync")
		public CompletableFuture<String> quoteAsync(String key) {
			this.runs.incrementAndGet();
			if (this.down.get()) {
				return CompletableFuture.failedFuture(new IllegalStateException("downstream unavailable"));
			}
			return CompletableFuture.completedFuture("live:" + key);
		}

		String cached(String key) {
			return "fallback:" + key;
		}

		CompletableFuture<String> cachedAsync(String key) {
			return CompletableFuture.completedFuture("fallback:" + key);
		}

	}

}
