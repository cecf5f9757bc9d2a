package dev.resilience.sample;

import org.springframework.core.env.Environment;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * Real HTTP to the sample app under test on {@code local.server.port}, with Spring
 * Framework's {@link RestClient} so that the same tests run on both Boot lines (Boot 4
 * moved {@code TestRestTemplate} into a module of its own). Like
 * {@code TestRestTemplate}, every status is returned with its body, none thrown.
 * {@code @Import} it into a random-port test.
 */
public class SampleHttp {

	private final Environment environment;

	private final RestClient client = RestClient.create();

	public SampleHttp(Environment environment) {
		this.environment = environment;
	}

	public <T> ResponseEntity<T> getForEntity(String path, Class<T> type, Object... uriVariables) {
		return exchange(HttpMethod.GET, path, null, type, uriVariables);
	}

	public <T> T getForObject(String path, Class<T> type, Object... uriVariables) {
		return getForEntity(path, type, uriVariables).getBody();
	}

	/** {@code request} is the body, or an {@link HttpEntity} with headers and body. */
	public <T> ResponseEntity<T> postForEntity(String path, Object request, Class<T> type, Object... uriVariables) {
		return exchange(HttpMethod.POST, path, request, type, uriVariables);
	}

	private <T> ResponseEntity<T> exchange(HttpMethod method, String path, Object request, Class<T> type,
			Object... uriVariables) {
		HttpEntity<?> entity = (request instanceof HttpEntity<?> given) ? given : new HttpEntity<>(request);
		RestClient.RequestBodySpec spec = this.client.method(method)
			.uri("http://127.0.0.1:" + this.environment.getRequiredProperty("local.server.port") + path, uriVariables)
			.headers((headers) -> headers.addAll(entity.getHeaders()));
		if (entity.getBody() != null) {
			spec.body(entity.getBody());
		}
		return spec.retrieve().onStatus((status) -> true, (req, res) -> {
		}).toEntity(type);
	}

}
