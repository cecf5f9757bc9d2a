package dev.resilience.sample.downstream;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.DefaultUriBuilderFactory;
import org.springframework.web.util.UriBuilder;
import org.springframework.web.util.UriBuilderFactory;

/**
 * The {@link RestClient} every downstream call goes through, with explicit connect and
 * read timeouts: without a read timeout a hung downstream would hold the caller's thread
 * forever and the breaker would never see a failure.
 */
@Configuration(proxyBeanMethods = false)
public class DownstreamConfiguration {

	@Bean
	RestClient downstreamRestClient(RestClient.Builder builder, DownstreamProperties properties,
			Environment environment) {
		// HTTP/1.1: the JDK client would otherwise offer an h2c upgrade on every
		// plain-HTTP request. Spring Framework's factory, not Boot's builder, so that the
		// same code runs on both Boot lines.
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(properties.connectTimeout())
			.build();
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(client);
		requestFactory.setReadTimeout(properties.readTimeout());
		URI baseUrl = properties.baseUrl();
		Supplier<String> base = (baseUrl != null) ? baseUrl::toString
				: () -> "http://localhost:" + environment.getRequiredProperty("local.server.port") + "/simulator";
		return builder.requestFactory(requestFactory).uriBuilderFactory(new LazyBaseUrlUriBuilderFactory(base)).build();
	}

	/**
	 * Resolves the base URL on first use: the built-in simulator's port is only known
	 * once the web server has started, after this client is created (and it is random in
	 * tests).
	 */
	private static final class LazyBaseUrlUriBuilderFactory implements UriBuilderFactory {

		private final Supplier<String> baseUrl;

		private volatile UriBuilderFactory delegate;

		LazyBaseUrlUriBuilderFactory(Supplier<String> baseUrl) {
			this.baseUrl = baseUrl;
		}

		private UriBuilderFactory delegate() {
			UriBuilderFactory delegate = this.delegate;
			if (delegate == null) {
				// racing threads build equal factories; whichever is kept, the URIs are
				// the same
				delegate = new DefaultUriBuilderFactory(this.baseUrl.get());
				this.delegate = delegate;
			}
			return delegate;
		}

		@Override
		public URI expand(String uriTemplate, Map<String, ?> uriVariables) {
			return delegate().expand(uriTemplate, uriVariables);
		}

		@Override
		public URI expand(String uriTemplate, Object... uriVariables) {
			return delegate().expand(uriTemplate, uriVariables);
		}

		@Override
		public UriBuilder uriString(String uriTemplate) {
			return delegate().uriString(uriTemplate);
		}

		@Override
		public UriBuilder builder() {
			return delegate().builder();
		}

	}

}
