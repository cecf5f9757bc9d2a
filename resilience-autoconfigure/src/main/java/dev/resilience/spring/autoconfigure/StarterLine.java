package dev.resilience.spring.autoconfigure;

/**
 * The Spring Boot line this auto-configuration is built for (Boot 3.5). The other line
 * has a class of the same name; {@link BootLineGuard} compares it with the Boot the
 * application runs.
 */
final class StarterLine {

	static final boolean BOOT_4 = false;

	static final String BOOT = "3.5";

	static final String ARTIFACT_ID = "resilience-spring-boot-starter";

	static final String OTHER_ARTIFACT_ID = "resilience-spring-boot4-starter";

	private StarterLine() {
	}

}
