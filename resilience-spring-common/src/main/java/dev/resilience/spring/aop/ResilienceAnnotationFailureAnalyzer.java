package dev.resilience.spring.aop;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports an annotation that cannot work as written, with what to change. */
class ResilienceAnnotationFailureAnalyzer extends AbstractFailureAnalyzer<ResilienceAnnotationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ResilienceAnnotationException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix the annotation or the method it names, so that the method can be protected as declared.", cause);
	}

}
