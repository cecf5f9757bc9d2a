package dev.resilience.spring.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;

/**
 * Analyzes a startup failure the way Spring Boot does when an application fails to start:
 * every {@link FailureAnalyzer} registered in {@code META-INF/spring.factories}, in
 * order, first answer wins. Going through the factories file also proves that ours is
 * registered.
 */
final class FailureReports {

	private FailureReports() {
	}

	static FailureAnalysis analyze(Throwable failure) {
		return analyze(failure, new StandardEnvironment());
	}

	static FailureAnalysis analyze(Throwable failure, Environment environment) {
		ArgumentResolver arguments = ArgumentResolver.of(BeanFactory.class, new DefaultListableBeanFactory())
			.and(Environment.class, environment);
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(FailureReports.class.getClassLoader())
			.load(FailureAnalyzer.class, arguments, SpringFactoriesLoader.FailureHandler
				.logging(org.apache.commons.logging.LogFactory.getLog(FailureReports.class)));
		AnnotationAwareOrderComparator.sort(analyzers);
		for (FailureAnalyzer analyzer : analyzers) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null) {
				return analysis;
			}
		}
		throw new AssertionError("No failure analyzer reported " + failure);
	}

	static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (type.isInstance(candidate)) {
				return type.cast(candidate);
			}
		}
		throw new AssertionError("No " + type.getSimpleName() + " in the causes of " + failure, failure);
	}

}
