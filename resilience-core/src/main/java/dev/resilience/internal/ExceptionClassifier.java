package dev.resilience.internal;

import java.util.List;

/**
 * The one matcher of a failure against an include list and an exclude list: a breaker's
 * {@code record-exceptions} and {@code ignore-exceptions}, a retry's
 * {@code retry-exceptions} and {@code ignore-exceptions}, a fallback's {@code applyOn}
 * and {@code skipOn}. An excluded type always wins; an empty include list includes every
 * failure. Matching is by {@link Class#isInstance}, so a listed type covers its
 * subclasses. The failure is {@linkplain Failures#unwrap(Throwable) unwrapped} first.
 * Immutable; {@link #matches} allocates nothing.
 */
public final class ExceptionClassifier {

	private static final Class<?>[] NONE = {};

	private static final ExceptionClassifier ALL = new ExceptionClassifier(NONE, NONE);

	private final Class<?>[] included;

	private final Class<?>[] excluded;

	private ExceptionClassifier(Class<?>[] included, Class<?>[] excluded) {
		this.included = included;
		this.excluded = excluded;
	}

	/**
	 * @param included the failures that match; empty for every failure
	 * @param excluded the failures that never match, whatever {@code included} says
	 */
	public static ExceptionClassifier of(List<? extends Class<? extends Throwable>> included,
			List<? extends Class<? extends Throwable>> excluded) {
		Requirements.requireNonNull(included, "included");
		Requirements.requireNonNull(excluded, "excluded");
		if (included.isEmpty() && excluded.isEmpty()) {
			return ALL;
		}
		return new ExceptionClassifier(included.toArray(NONE), excluded.toArray(NONE));
	}

	/** Whether {@code failure}, once unwrapped, is included and not excluded. */
	public boolean matches(Throwable failure) {
		return matchesUnwrapped(Failures.unwrap(failure));
	}

	/**
	 * Like {@link #matches(Throwable)}, for a failure the caller has already unwrapped.
	 */
	public boolean matchesUnwrapped(Throwable cause) {
		if (isInstanceOfAny(this.excluded, cause)) {
			return false;
		}
		return this.included.length == 0 || isInstanceOfAny(this.included, cause);
	}

	/** Whether {@code cause} is an instance of an excluded type. */
	public boolean isExcluded(Throwable cause) {
		return isInstanceOfAny(this.excluded, cause);
	}

	private static boolean isInstanceOfAny(Class<?>[] types, Throwable failure) {
		for (Class<?> type : types) {
			if (type.isInstance(failure)) {
				return true;
			}
		}
		return false;
	}

}
