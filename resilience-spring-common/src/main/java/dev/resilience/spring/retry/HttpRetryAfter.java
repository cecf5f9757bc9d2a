package dev.resilience.spring.retry;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;

import org.springframework.util.ClassUtils;

import dev.resilience.retry.RetryAfterReader;

/**
 * The {@code Retry-After} header of RFC 9110 (section 10.2.3): a number of seconds
 * ({@code delay-seconds}) or an HTTP date (the preferred IMF-fixdate, and the obsolete
 * RFC 850 and asctime forms a recipient must accept), turned into a wait. A date is
 * relative to the wall clock it is given; a date in the past is a wait of zero. A value
 * that is neither (a negative number, a fraction, garbage) is ignored and never throws; a
 * number of seconds too large for a {@code Duration} saturates.
 * <p>
 * {@link #reader(ClassLoader, Clock)} reads the header from Spring's HTTP client
 * exceptions that are on the classpath. Stateless and thread-safe.
 */
public final class HttpRetryAfter {

	/** The header's name. */
	public static final String HEADER = "Retry-After";

	static final String REST_CLIENT_EXCEPTION = "org.springframework.web.client.RestClientResponseException";

	static final String WEB_CLIENT_EXCEPTION = "org.springframework.web.reactive.function.client.WebClientResponseException";

	private static final Duration LONGEST = Duration.ofSeconds(Long.MAX_VALUE);

	private static final List<DateTimeFormatter> DATE_FORMATS = List.of(DateTimeFormatter.RFC_1123_DATE_TIME,
			new DateTimeFormatterBuilder().appendPattern("EEEE, dd-MMM-")
				.appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
				.appendPattern(" HH:mm:ss 'GMT'")
				.toFormatter(Locale.US)
				.withZone(ZoneOffset.UTC),
			new DateTimeFormatterBuilder().appendPattern("EEE MMM ")
				.padNext(2)
				.appendValue(ChronoField.DAY_OF_MONTH)
				.appendPattern(" HH:mm:ss yyyy")
				.toFormatter(Locale.US)
				.withZone(ZoneOffset.UTC));

	private HttpRetryAfter() {
	}

	/**
	 * The wait {@code value} asks for, measured from {@code now} for a date.
	 * @return the wait, or {@code null} when the value is absent or malformed
	 */
	public static Duration parse(String value, Instant now) {
		if (value == null) {
			return null;
		}
		String text = value.trim();
		if (text.isEmpty()) {
			return null;
		}
		if (isDigits(text)) {
			return seconds(text);
		}
		for (DateTimeFormatter format : DATE_FORMATS) {
			try {
				Instant date = Instant.from(format.parse(text));
				return date.isAfter(now) ? Duration.between(now, date) : Duration.ZERO;
			}
			catch (DateTimeException ex) {
				// not in this form: try the next
			}
		}
		return null;
	}

	private static boolean isDigits(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return true;
	}

	private static Duration seconds(String digits) {
		try {
			return Duration.ofSeconds(Long.parseLong(digits));
		}
		catch (NumberFormatException ex) {
			// only digits, so too large for a long
			return LONGEST;
		}
	}

	/**
	 * A reader of the header on {@code RestClientResponseException} (spring-web: thrown
	 * by {@code RestClient} and {@code RestTemplate}) and
	 * {@code WebClientResponseException} (spring-webflux), for those of them on the
	 * classpath; {@code null} when neither is.
	 * @param clock the wall clock an HTTP date is measured against
	 */
	public static RetryAfterReader reader(ClassLoader classLoader, Clock clock) {
		boolean restClient = ClassUtils.isPresent(REST_CLIENT_EXCEPTION, classLoader);
		boolean webClient = ClassUtils.isPresent(WEB_CLIENT_EXCEPTION, classLoader);
		if (!restClient && !webClient) {
			return null;
		}
		// Only now is a class linked that refers to spring-web.
		return new HttpExceptionRetryAfterReader(classLoader, restClient, webClient, clock);
	}

}
