package dev.resilience.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports the resilience starter of the other Spring Boot line, with the artifactId to
 * use.
 */
class WrongBootLineFailureAnalyzer extends AbstractFailureAnalyzer<WrongBootLineException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, WrongBootLineException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Replace the dependency on dev.resilience:" + cause.getArtifactId() + " with dev.resilience:"
						+ cause.getReplacement() + " (same annotations, YAML keys, metrics and endpoints).",
				cause);
	}

}
