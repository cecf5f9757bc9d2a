package dev.resilience;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Thrown by a configuration builder when a setting breaks a rule checked as the
 * configuration is built, most of them rules between settings (a minimum above a maximum,
 * a window too long for its kind). It says which setting it blames, its value and the
 * requirement, naming the other settings the rule reads with their values, so that a
 * caller that knows where each setting came from (a property file, say) can name it in
 * its own terms instead of parsing the message.
 * <p>
 * A requirement is kept as a template whose references to settings are resolved when it
 * is rendered: {@code {name}} becomes the setting's name followed by its value in
 * parentheses, {@code {name:name}} its name alone and {@code {name:value}} its value
 * alone. The message is the rendering with the engine's names:
 * {@code maxWaitDuration (PT0.1S) must not be shorter than
 * waitDuration (PT0.2S)}. Where the rule is as much about another setting,
 * {@link #getConverse()} states it from that setting's side, so that the caller may blame
 * the one the user actually changed.
 * <p>
 * Immutable.
 */
public class InvalidConfigurationException extends IllegalArgumentException {

	private static final Pattern REFERENCE = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)(?::(name|value))?\\}");

	private static final SettingFormat ENGINE_FORMAT = new SettingFormat() {

		@Override
		public String name(String setting) {
			return setting;
		}

		@Override
		public String value(String setting, Object value) {
			return String.valueOf(value);
		}

	};

	private final String setting;

	private final transient Object value;

	private final String requirement;

	private final transient Map<String, Object> related;

	private final InvalidConfigurationException converse;

	/**
	 * @param setting name of the setting blamed, as the builder's method that sets it
	 * @param value its value
	 * @param requirement what would be accepted, phrased to follow the setting's name,
	 * with references to the settings of {@code related}
	 * @param related the other settings the requirement refers to, with their values, in
	 * the order it names them
	 */
	public InvalidConfigurationException(String setting, Object value, String requirement, Map<String, ?> related) {
		this(setting, value, requirement, related, null);
	}

	private InvalidConfigurationException(String setting, Object value, String requirement, Map<String, ?> related,
			InvalidConfigurationException converse) {
		super(render(setting, value, requirement, related, ENGINE_FORMAT));
		this.setting = Objects.requireNonNull(setting, "setting");
		this.value = value;
		this.requirement = Objects.requireNonNull(requirement, "requirement");
		this.related = Collections.unmodifiableMap(new LinkedHashMap<>(related));
		this.converse = converse;
	}

	/**
	 * A setting out of its range whatever the other settings are.
	 */
	public static InvalidConfigurationException of(String setting, Object value, String requirement) {
		return new InvalidConfigurationException(setting, value, requirement, Map.of());
	}

	/**
	 * This failure with the same rule stated from the side of one of the related
	 * settings, which a caller may blame instead when it is the one that was set on
	 * purpose.
	 * @param converseSetting one of {@link #getRelated()}'s settings
	 * @param converseRequirement what that setting would need to be, with references to
	 * this failure's setting and the other related ones
	 */
	public InvalidConfigurationException withConverse(String converseSetting, String converseRequirement) {
		if (!this.related.containsKey(converseSetting)) {
			throw new IllegalArgumentException(converseSetting + " is not related to " + this.setting);
		}
		Map<String, Object> converseRelated = new LinkedHashMap<>(this.related);
		Object converseValue = converseRelated.remove(converseSetting);
		converseRelated.put(this.setting, this.value);
		InvalidConfigurationException converse = new InvalidConfigurationException(converseSetting, converseValue,
				converseRequirement, converseRelated);
		return new InvalidConfigurationException(this.setting, this.value, this.requirement, this.related, converse);
	}

	/**
	 * Name of the setting blamed, as the builder's method that sets it
	 * ({@code maxWaitDuration}).
	 */
	public String getSetting() {
		return this.setting;
	}

	/** The blamed setting's value. */
	public Object getValue() {
		return this.value;
	}

	/**
	 * What would be accepted, with the engine's names and values:
	 * {@code must not be shorter than waitDuration (PT0.2S)}.
	 */
	public String getRequirement() {
		return getRequirement(ENGINE_FORMAT);
	}

	/**
	 * What would be accepted, naming the settings it refers to and their values as
	 * {@code format} says.
	 */
	public String getRequirement(SettingFormat format) {
		return resolve(this.requirement, this.related, format);
	}

	/**
	 * The other settings the requirement refers to, with their values, in the order it
	 * names them.
	 */
	public Map<String, Object> getRelated() {
		return this.related;
	}

	/**
	 * The same rule stated from the side of a related setting, or {@code null} if it has
	 * none.
	 */
	public InvalidConfigurationException getConverse() {
		return this.converse;
	}

	private static String render(String setting, Object value, String requirement, Map<String, ?> related,
			SettingFormat format) {
		return format.name(setting) + " (" + format.value(setting, value) + ") "
				+ resolve(requirement, related, format);
	}

	private static String resolve(String requirement, Map<String, ?> related, SettingFormat format) {
		Matcher reference = REFERENCE.matcher(requirement);
		StringBuilder resolved = new StringBuilder();
		while (reference.find()) {
			String name = reference.group(1);
			if (!related.containsKey(name)) {
				throw new IllegalArgumentException("requirement '" + requirement + "' refers to " + name
						+ ", which is not among the related settings " + related.keySet());
			}
			Object value = related.get(name);
			String part = switch ((reference.group(2) != null) ? reference.group(2) : "") {
				case "name" -> format.name(name);
				case "value" -> format.value(name, value);
				default -> format.name(name) + " (" + format.value(name, value) + ")";
			};
			reference.appendReplacement(resolved, Matcher.quoteReplacement(part));
		}
		reference.appendTail(resolved);
		return resolved.toString();
	}

	/** How a rendered requirement names settings and writes their values. */
	public interface SettingFormat {

		/** The name under which the caller knows a setting. */
		String name(String setting);

		/** A setting's value as the caller would write it. */
		String value(String setting, Object value);

	}

	/** Shorthand for a requirement that reads one other setting. */
	public static Map<String, Object> related(String setting, Object value) {
		Map<String, Object> related = new LinkedHashMap<>();
		related.put(setting, value);
		return related;
	}

	/** Shorthand for a requirement that reads two other settings, in this order. */
	public static Map<String, Object> related(String first, Object firstValue, String second, Object secondValue) {
		Map<String, Object> related = related(first, firstValue);
		related.put(second, secondValue);
		return related;
	}

}
