package dev.resilience.spring.autoconfigure;

/**
 * The resilience starter on the wrong Spring Boot line: the Boot 3.5 starter in a Boot 4
 * application, or the Boot 4 starter in a Boot 3.5 one. Names the artifactId to use
 * instead.
 */
public class WrongBootLineException extends IllegalStateException {

	private final String artifactId;

	private final String replacement;

	WrongBootLineException(String artifactId, String builtFor, String replacement, String runningGeneration,
			String runningVersion) {
		super("dev.resilience:" + artifactId + " is built for Spring Boot " + builtFor
				+ ", but this application runs Spring Boot "
				+ ((runningVersion != null) ? runningVersion : runningGeneration + ".x") + ": use dev.resilience:"
				+ replacement + " instead");
		this.artifactId = artifactId;
		this.replacement = replacement;
	}

	/** The starter's artifactId on the classpath, built for the other line. */
	public String getArtifactId() {
		return this.artifactId;
	}

	/** The starter's artifactId built for the line the application runs. */
	public String getReplacement() {
		return this.replacement;
	}

}
