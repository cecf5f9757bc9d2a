package dev.resilience.spring.autoconfigure;

import java.util.function.Predicate;

import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Stops an application whose starter was built for the other Spring Boot line before
 * anything else of the starter loads, with a {@link WrongBootLineException} that the
 * failure analysis turns into the artifactId to use instead. Without it, the Boot 3.5
 * starter in a Boot 4 application (or the reverse) fails later with a
 * {@code NoClassDefFoundError} deep in an auto-configuration. Registered in
 * {@code META-INF/spring.factories} as an {@link ApplicationContextInitializer}, a Spring
 * Framework interface that both lines load the same way; it uses no API that moved.
 */
public class BootLineGuard implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	/** A class in Spring Boot 4's core jar that Spring Boot 3.5 does not have. */
	static final String BOOT_4_MARKER = "org.springframework.boot.EnvironmentPostProcessor";

	private final Predicate<String> classPresent;

	public BootLineGuard() {
		this((name) -> ClassUtils.isPresent(name, BootLineGuard.class.getClassLoader()));
	}

	BootLineGuard(Predicate<String> classPresent) {
		this.classPresent = classPresent;
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		check();
	}

	/**
	 * @throws WrongBootLineException when the application runs the other Boot line
	 */
	void check() {
		boolean boot4 = this.classPresent.test(BOOT_4_MARKER);
		if (boot4 != StarterLine.BOOT_4) {
			throw new WrongBootLineException(StarterLine.ARTIFACT_ID, StarterLine.BOOT, StarterLine.OTHER_ARTIFACT_ID,
					boot4 ? "4" : "3", SpringBootVersion.getVersion());
		}
	}

}
