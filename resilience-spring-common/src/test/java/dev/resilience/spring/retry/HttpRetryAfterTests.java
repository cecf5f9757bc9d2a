package dev.resilience.spring.retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.resilience.retry.RetryAfterReader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Retry-After} as RFC 9110 writes it (seconds, or an HTTP date in any of its three
 * forms, relative to the wall clock given), what is ignored (never thrown), and reading
 * it from Spring's client exceptions.
 */
class HttpRetryAfterTests {

	/** Wednesday 21 October 2015, 07:27:30 UTC. */
	private static final Instant NOW = Instant.parse("2015-10-21T07:27:30Z");

	private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

	@Test
	void readsDelaySeconds() {
		assertThat(HttpRetryAfter.parse("2", NOW)).isEqualTo(Duration.ofSeconds(2));
		assertThat(HttpRetryAfter.parse(" 120 ", NOW)).isEqualTo(Duration.ofSeconds(120));
		assertThat(HttpRetryAfter.parse("0", NOW)).isEqualTo(Duration.ZERO);
	}

	@Test
	void aNumberOfSecondsTooLargeForALongSaturates() {
		assertThat(HttpRetryAfter.parse("99999999999999999999999", NOW)).isEqualTo(Duration.ofSeconds(Long.MAX_VALUE));
		assertThat(HttpRetryAfter.parse(String.valueOf(Long.MAX_VALUE), NOW))
			.isEqualTo(Duration.ofSeconds(Long.MAX_VALUE));
	}

	@Test
	void readsAnImfFixdateRelativeToNow() {
		assertThat(HttpRetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void readsTheObsoleteRfc850AndAsctimeForms() {
		assertThat(HttpRetryAfter.parse("Wednesday, 21-Oct-15 07:28:00 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
		assertThat(HttpRetryAfter.parse("Wed Oct 21 07:28:00 2015", NOW)).isEqualTo(Duration.ofSeconds(30));
		assertThat(HttpRetryAfter.parse("Sun Nov  6 08:49:37 1994", Instant.parse("1994-11-06T08:49:30Z")))
			.isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void aDateInThePastIsNoWait() {
		assertThat(HttpRetryAfter.parse("Wed, 21 Oct 2015 07:27:00 GMT", NOW)).isEqualTo(Duration.ZERO);
		assertThat(HttpRetryAfter.parse("Thu, 01 Jan 1970 00:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "   ", "-5", "+5", "1.5", "2s", "soon", "Wed, 32 Oct 2015 07:28:00 GMT",
			"21 Oct 2015 07:28:00", "0x10", "５" })
	void ignoresWhatIsNeitherSecondsNorADate(String value) {
		assertThat(HttpRetryAfter.parse(value, NOW)).isNull();
	}

	@Test
	void ignoresAMissingHeader() {
		assertThat(HttpRetryAfter.parse(null, NOW)).isNull();
	}

	@Test
	void readsTheHeaderOfARestClientResponseException() {
		RetryAfterReader reader = HttpRetryAfter.reader(getClass().getClassLoader(), this.clock);
		assertThat(reader.retryAfter(restClientFailure("7"))).isEqualTo(Duration.ofSeconds(7));
		assertThat(reader.retryAfter(restClientFailure("Wed, 21 Oct 2015 07:28:00 GMT")))
			.isEqualTo(Duration.ofSeconds(30));
		assertThat(reader.retryAfter(restClientFailure("garbage"))).isNull();
		assertThat(reader.retryAfter(restClientFailure(null))).isNull();
	}

	@Test
	void readsTheHeaderOfARestClientSubclassAndOfAWebClientResponseException() {
		RetryAfterReader reader = HttpRetryAfter.reader(getClass().getClassLoader(), this.clock);
		HttpServerErrorException serverError = new HttpServerErrorException(HttpStatusCode.valueOf(503),
				"Service Unavailable", headers("3"), new byte[0], null);
		assertThat(reader.retryAfter(serverError)).isEqualTo(Duration.ofSeconds(3));
		WebClientResponseException webClient = WebClientResponseException.create(HttpStatusCode.valueOf(429),
				"Too Many Requests", headers("11"), new byte[0], null, null);
		assertThat(reader.retryAfter(webClient)).isEqualTo(Duration.ofSeconds(11));
	}

	@Test
	void answersNothingForOtherFailures() {
		RetryAfterReader reader = HttpRetryAfter.reader(getClass().getClassLoader(), this.clock);
		assertThat(reader.retryAfter(new IllegalStateException("2"))).isNull();
	}

	@Test
	void noReaderWithoutSpringsHttpClients() {
		FilteredClassLoader loader = new FilteredClassLoader(HttpRetryAfter.REST_CLIENT_EXCEPTION,
				HttpRetryAfter.WEB_CLIENT_EXCEPTION);
		assertThat(HttpRetryAfter.reader(loader, this.clock)).isNull();
	}

	@Test
	void aReaderForRestClientAloneIgnoresWhatItCannotKnow() {
		FilteredClassLoader loader = new FilteredClassLoader(HttpRetryAfter.WEB_CLIENT_EXCEPTION);
		RetryAfterReader reader = HttpRetryAfter.reader(loader, this.clock);
		assertThat(reader).isNotNull();
		assertThat(reader.retryAfter(restClientFailure("4"))).isEqualTo(Duration.ofSeconds(4));
	}

	private static RestClientResponseException restClientFailure(String retryAfter) {
		return new RestClientResponseException("503 Service Unavailable", HttpStatusCode.valueOf(503),
				"Service Unavailable", headers(retryAfter), new byte[0], null);
	}

	private static HttpHeaders headers(String retryAfter) {
		HttpHeaders headers = new HttpHeaders();
		if (retryAfter != null) {
			headers.add(HttpRetryAfter.HEADER, retryAfter);
		}
		return headers;
	}

}
