package dev.resilience.chaos;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.time.Duration;

import dev.resilience.InvalidConfigurationException;

import static dev.resilience.internal.Requirements.requireArgument;
import static dev.resilience.internal.Requirements.requireNonNegative;
import static dev.resilience.internal.Requirements.requireNonNull;

/**
 * Immutable configuration of a {@link Chaos} instance: which faults it injects and how
 * often. Built with {@link #custom()}; {@link #none()} injects nothing.
 * <p>
 * Each call draws at most two random numbers in {@code [0, 1)}: one for the latency when
 * {@link #getLatencyRate()} is above 0, then one for the error when
 * {@link #getErrorRate()} is above 0; a fault is injected when its number is below its
 * rate (so a rate of 1 always injects, 0 never).
 */
public final class ChaosConfig {

	/** The error injected unless another type is configured. */
	public static final Class<? extends Throwable> DEFAULT_ERROR = InjectedFaultException.class;

	private static final ChaosConfig NONE = custom().build();

	private final double errorRate;

	private final Class<? extends Throwable> error;

	private final Constructor<? extends Throwable> errorConstructor;

	private final boolean errorTakesMessage;

	private final Duration latency;

	private final double latencyRate;

	private final boolean active;

	private ChaosConfig(Builder builder) {
		this.errorRate = builder.errorRate;
		this.error = builder.error;
		this.errorConstructor = builder.errorConstructor;
		this.errorTakesMessage = builder.errorTakesMessage;
		this.latency = builder.latency;
		this.latencyRate = builder.latencyRate;
		this.active = this.errorRate > 0 || this.latencyRate > 0;
	}

	/** A configuration that injects nothing. */
	public static ChaosConfig none() {
		return NONE;
	}

	public static Builder custom() {
		return new Builder();
	}

	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.errorRate = this.errorRate;
		builder.error = this.error;
		builder.errorConstructor = this.errorConstructor;
		builder.errorTakesMessage = this.errorTakesMessage;
		builder.latency = this.latency;
		builder.latencyRate = this.latencyRate;
		return builder;
	}

	/** Share of calls, in {@code [0, 1]}, that fail with {@link #getError()}. */
	public double getErrorRate() {
		return this.errorRate;
	}

	/** Type of the injected error. */
	public Class<? extends Throwable> getError() {
		return this.error;
	}

	/** Delay added before a call, for the share {@link #getLatencyRate()} of calls. */
	public Duration getLatency() {
		return this.latency;
	}

	/** Share of calls, in {@code [0, 1]}, held back by {@link #getLatency()}. */
	public double getLatencyRate() {
		return this.latencyRate;
	}

	/** Whether this configuration injects anything at all. */
	public boolean isActive() {
		return this.active;
	}

	/**
	 * A new instance of the configured error, for the chaos instance {@code name}: an
	 * {@link InjectedFaultException} carries the name; another type gets a message naming
	 * it when it has a public {@code (String)} constructor, else its public no-arg one is
	 * used. A constructor that fails gives an {@link InjectedFaultException} with that
	 * failure as its cause.
	 */
	public Throwable newError(String name) {
		if (this.error == InjectedFaultException.class) {
			return new InjectedFaultException(name);
		}
		try {
			return this.errorTakesMessage
					? this.errorConstructor.newInstance("Fault injected by chaos instance '" + name + "'")
					: this.errorConstructor.newInstance();
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			InjectedFaultException fault = new InjectedFaultException(name);
			fault.initCause(ex);
			return fault;
		}
	}

	@Override
	public String toString() {
		return "ChaosConfig[errorRate=" + this.errorRate + ", error=" + this.error.getName() + ", latency="
				+ this.latency + ", latencyRate=" + this.latencyRate + "]";
	}

	/** Builder; each setter validates its argument. */
	public static final class Builder {

		private double errorRate;

		private Class<? extends Throwable> error = DEFAULT_ERROR;

		private Constructor<? extends Throwable> errorConstructor;

		private boolean errorTakesMessage;

		private Duration latency = Duration.ZERO;

		private double latencyRate;

		private Builder() {
		}

		/**
		 * @throws IllegalArgumentException unless {@code errorRate} is in {@code [0, 1]}
		 */
		public Builder errorRate(double errorRate) {
			this.errorRate = requireRate(errorRate, "errorRate");
			return this;
		}

		/**
		 * The type of the injected error: any {@link Throwable} that is not abstract and
		 * has a public constructor taking a {@code String} or nothing.
		 * @throws IllegalArgumentException if {@code error} is no such type
		 */
		@SuppressWarnings("unchecked")
		public Builder error(Class<?> error) {
			requireNonNull(error, "error");
			requireArgument(Throwable.class.isAssignableFrom(error),
					"error must be a Throwable but " + error.getName() + " is not");
			requireArgument(!Modifier.isAbstract(error.getModifiers()) && !error.isInterface(),
					"error must be a concrete class but " + error.getName() + " is abstract");
			Class<? extends Throwable> type = (Class<? extends Throwable>) error;
			if (type == InjectedFaultException.class) {
				this.error = type;
				this.errorConstructor = null;
				return this;
			}
			Constructor<? extends Throwable> constructor = publicConstructor(type, String.class);
			boolean takesMessage = constructor != null;
			if (constructor == null) {
				constructor = publicConstructor(type);
			}
			requireArgument(constructor != null && Modifier.isPublic(type.getModifiers()),
					"error must be a public class with a public constructor taking a String or nothing, but "
							+ type.getName() + " has none");
			this.error = type;
			this.errorConstructor = constructor;
			this.errorTakesMessage = takesMessage;
			return this;
		}

		/**
		 * @throws IllegalArgumentException if {@code latency} is negative
		 */
		public Builder latency(Duration latency) {
			this.latency = requireNonNegative(latency, "latency");
			return this;
		}

		/**
		 * @throws IllegalArgumentException unless {@code latencyRate} is in
		 * {@code [0, 1]}
		 */
		public Builder latencyRate(double latencyRate) {
			this.latencyRate = requireRate(latencyRate, "latencyRate");
			return this;
		}

		/**
		 * @throws InvalidConfigurationException when a latency rate is set without a
		 * latency, or a latency without a rate (either alone would inject nothing)
		 */
		public ChaosConfig build() {
			if (this.latencyRate > 0 && this.latency.isZero()) {
				throw new InvalidConfigurationException("latencyRate", this.latencyRate,
						"must be 0 unless {latency:name} is a positive duration",
						InvalidConfigurationException.related("latency", this.latency));
			}
			if (!this.latency.isZero() && this.latencyRate == 0) {
				throw new InvalidConfigurationException("latencyRate", this.latencyRate,
						"must be above 0 when {latency} is set, or the latency is never injected",
						InvalidConfigurationException.related("latency", this.latency));
			}
			return new ChaosConfig(this);
		}

		private static double requireRate(double rate, String name) {
			requireArgument(rate >= 0 && rate <= 1, name + " must be in [0, 1] but was " + rate);
			return rate;
		}

		private static Constructor<? extends Throwable> publicConstructor(Class<? extends Throwable> type,
				Class<?>... parameters) {
			try {
				Constructor<? extends Throwable> constructor = type.getConstructor(parameters);
				return Modifier.isPublic(constructor.getModifiers()) ? constructor : null;
			}
			catch (NoSuchMethodException ex) {
				return null;
			}
		}

	}

}
