package dev.resilience.fallback;

import java.util.List;

import dev.resilience.internal.ExceptionClassifier;
import dev.resilience.internal.Requirements;

/**
 * Which failures a fallback answers, from {@code @Fallback(applyOn, skipOn)}: a failure
 * that is an instance of a {@code skipOn} type never is, whatever {@code applyOn} says;
 * otherwise it is when it is an instance of an {@code applyOn} type. A
 * {@link java.util.concurrent.CompletionException} or
 * {@link java.util.concurrent.ExecutionException} is judged by its cause. Immutable and
 * thread safe; {@link #shouldHandle(Throwable)} allocates nothing.
 */
public final class FallbackConfig {

	private static final FallbackConfig DEFAULTS = new FallbackConfig(List.of(Throwable.class), List.of());

	private final List<Class<? extends Throwable>> applyOn;

	private final List<Class<? extends Throwable>> skipOn;

	private final ExceptionClassifier classifier;

	private FallbackConfig(List<Class<? extends Throwable>> applyOn, List<Class<? extends Throwable>> skipOn) {
		this.applyOn = applyOn;
		this.skipOn = skipOn;
		this.classifier = ExceptionClassifier.of(applyOn, skipOn);
	}

	/**
	 * @param applyOn failures to answer; at least one type ({@code Throwable} for all)
	 * @param skipOn failures never to answer; may be empty
	 */
	public static FallbackConfig of(List<Class<? extends Throwable>> applyOn, List<Class<? extends Throwable>> skipOn) {
		Requirements.requireNonNull(applyOn, "applyOn");
		Requirements.requireNonNull(skipOn, "skipOn");
		Requirements.requireArgument(!applyOn.isEmpty(),
				"applyOn must name at least one exception type (Throwable for every failure) but was empty");
		requireNoNullElement(applyOn, "applyOn");
		requireNoNullElement(skipOn, "skipOn");
		return new FallbackConfig(List.copyOf(applyOn), List.copyOf(skipOn));
	}

	// List.contains(null) throws on immutable lists, hence the loop.
	private static void requireNoNullElement(List<?> types, String name) {
		for (Object type : types) {
			Requirements.requireArgument(type != null, name + " must not contain null but was " + types);
		}
	}

	/** Answers every failure: applyOn {@code Throwable}, nothing skipped. */
	public static FallbackConfig ofDefaults() {
		return DEFAULTS;
	}

	public List<Class<? extends Throwable>> getApplyOn() {
		return this.applyOn;
	}

	public List<Class<? extends Throwable>> getSkipOn() {
		return this.skipOn;
	}

	public boolean shouldHandle(Throwable failure) {
		return this.classifier.matches(Requirements.requireNonNull(failure, "failure"));
	}

	@Override
	public String toString() {
		return "FallbackConfig[applyOn=" + this.applyOn + ", skipOn=" + this.skipOn + "]";
	}

}
