package dev.resilience.spring.metrics;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import dev.resilience.ContextPropagator;
import dev.resilience.ResilienceRegistry;
import dev.resilience.chaos.ChaosConfig;
import dev.resilience.chaos.ChaosRegistry;
import dev.resilience.idempotency.IdempotencyOutcome;
import dev.resilience.ratelimiter.PermitStore;
import dev.resilience.ratelimiter.RateLimiterConfig;
import dev.resilience.testing.FakeScheduler;
import dev.resilience.testing.FakeTicker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alerting rules of {@code docs/prometheus/resilience-alerts.yml} select only series
 * the starter exports: every metric name, and every label value they match on, is found
 * in a Prometheus scrape of instances of every kind, and each selected series carries the
 * {@code name} label the rules group by. (What the rules do with those series is tested
 * by {@code promtool test rules} in CI.)
 */
class AlertRulesTests {

	private static final Pattern SELECTOR = Pattern.compile("\\b(resilience_[a-z_]+)(\\{([^}]*)\\})?");

	private static final Pattern MATCHER = Pattern.compile("(\\w+)\\s*(=~|!=|!~|=)\\s*\"([^\"]*)\"");

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][\\w:]*)(?:\\{(.*)})? \\S+$");

	private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

	@Test
	void everySeriesTheRulesSelectIsExportedByTheStarter() throws IOException {
		List<String> expressions = expressions();
		assertThat(expressions).hasSizeGreaterThanOrEqualTo(10);
		Map<String, List<Map<String, String>>> exported = parse(scrapeOfEveryKind());

		assertThat(problems(expressions, exported)).isEmpty();
	}

	@Test
	void theCheckFlagsANameOrALabelValueThatIsNotExported() {
		Map<String, List<Map<String, String>>> exported = parse(scrapeOfEveryKind());

		assertThat(problems(List.of("rate(resilience_bulkhead_rejected[5m]) > 0"), exported))
			.containsExactly("resilience_bulkhead_rejected: no such metric");
		assertThat(problems(List.of("resilience_timeout_calls_total{kind=\"timedout\"}"), exported))
			.containsExactly("resilience_timeout_calls_total: no series with kind=\"timedout\"");
		assertThat(problems(List.of("resilience_circuitbreaker_state{state=~\"open|halfopen\"}"), exported))
			.containsExactly("resilience_circuitbreaker_state: no series with state=\"halfopen\"");
	}

	private static List<String> problems(List<String> expressions, Map<String, List<Map<String, String>>> exported) {
		List<String> problems = new ArrayList<>();
		for (String expression : expressions) {
			Matcher selector = SELECTOR.matcher(expression);
			while (selector.find()) {
				String name = selector.group(1);
				List<Map<String, String>> series = exported.get(name);
				if (series == null) {
					problems.add(name + ": no such metric");
					continue;
				}
				if (!series.stream().allMatch((labels) -> labels.containsKey("name"))) {
					problems.add(name + ": a series without the name label");
				}
				Matcher matcher = MATCHER.matcher((selector.group(3) != null) ? selector.group(3) : "");
				while (matcher.find()) {
					String label = matcher.group(1);
					String operator = matcher.group(2);
					if (!operator.equals("=") && !operator.equals("=~")) {
						continue;
					}
					for (String value : operator.equals("=") ? List.of(matcher.group(3))
							: List.of(matcher.group(3).split("\\|"))) {
						String wanted = label + "=\"" + value + "\"";
						boolean found = series.stream().anyMatch((labels) -> value.equals(labels.get(label)));
						if (!found) {
							problems.add(name + ": no series with " + wanted);
						}
					}
				}
			}
		}
		return problems;
	}

	/**
	 * Every kind of instance bound to a Prometheus registry, with the series that appear
	 * late made to appear.
	 */
	private static String scrapeOfEveryKind() {
		FakeTicker ticker = new FakeTicker();
		FakeScheduler scheduler = new FakeScheduler(ticker);
		// a rate limiter of cluster scope, whose store_unavailable series only such a
		// limiter has, over a store that permits everything
		PermitStore store = new PermitStore() {

			@Override
			public PermitDecision acquire(PermitRequest request) {
				return PermitDecision.permitted(0, 1);
			}

			@Override
			public CompletionStage<PermitDecision> acquireAsync(PermitRequest request) {
				return CompletableFuture.completedFuture(acquire(request));
			}

		};
		ResilienceRegistry registry = ResilienceRegistry.builder()
			.ticker(ticker)
			.scheduler(scheduler)
			.permitStore(store)
			.rateLimiterConfigs((name) -> name.equals("fleet")
					? RateLimiterConfig.custom().scope(RateLimiterConfig.Scope.CLUSTER).build()
					: RateLimiterConfig.ofDefaults())
			.build();
		registry.rateLimiter("fleet");
		registry.circuitBreaker("breaker");
		registry.retry("retry");
		registry.bulkhead("bulkhead");
		registry.rateLimiter("limiter");
		registry.timeout("timeout");
		registry.hedge("hedge");
		ChaosRegistry chaos = new ChaosRegistry((name) -> ChaosConfig.none(), scheduler, ContextPropagator.NONE,
				() -> 0.5);
		chaos.chaos("chaos");
		PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		ResilienceMeterBinder binder = new ResilienceMeterBinder(registry);
		binder.bindTo(prometheus);
		new ChaosMeterBinder(chaos).bindTo(prometheus);
		// A transition's series appears with the first transition after binding.
		registry.circuitBreaker("breaker").transitionToOpenState();
		binder.recordFallback("Inventory.reserve", new IllegalStateException());
		binder.recordIdempotencyOutcome("payments", IdempotencyOutcome.EXECUTED);
		try {
			return prometheus.scrape();
		}
		finally {
			registry.close();
		}
	}

	private static Map<String, List<Map<String, String>>> parse(String scrape) {
		Map<String, List<Map<String, String>>> series = new HashMap<>();
		scrape.lines().filter((line) -> !line.startsWith("#") && !line.isBlank()).forEach((line) -> {
			Matcher sample = SAMPLE.matcher(line);
			assertThat(sample.matches()).as(line).isTrue();
			Map<String, String> labels = new HashMap<>();
			Matcher label = LABEL.matcher((sample.group(2) != null) ? sample.group(2) : "");
			while (label.find()) {
				labels.put(label.group(1), label.group(2));
			}
			series.computeIfAbsent(sample.group(1), (name) -> new ArrayList<>()).add(labels);
		});
		return series;
	}

	@SuppressWarnings("unchecked")
	private static List<String> expressions() throws IOException {
		Path rules = Path.of(System.getProperty("basedir", "."))
			.toAbsolutePath()
			.resolve("../docs/prometheus/resilience-alerts.yml")
			.normalize();
		List<String> expressions = new ArrayList<>();
		try (Reader reader = Files.newBufferedReader(rules, StandardCharsets.UTF_8)) {
			Map<String, Object> root = new Yaml().load(reader);
			for (Map<String, Object> group : (List<Map<String, Object>>) root.get("groups")) {
				for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
					expressions.add((String) rule.get("expr"));
				}
			}
		}
		return expressions;
	}

}
