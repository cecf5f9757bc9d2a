package dev.resilience.spring.testsupport;

import org.springframework.core.env.Environment;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * Real HTTP to the test's own server on {@code local.server.port}, with Spring
 * Framework's {@link RestClient} so that the same tests run on both Boot lines. Every
 * status is returned, none thrown. Import it into a {@code @SpringBootTest} with a random
 * port.
 */
public class LocalHttp {

	private final Environment environment;

	private final RestClient client = RestClient.create();

	public LocalHttp(Environment environment) {
		this.environment = environment;
	}

	public ResponseEntity<String> getForEntity(String path, Class<String> type) {
		return exchange(path, HttpMethod.GET, HttpEntity.EMPTY, type);
	}

	public String getForObject(String path, Class<String> type) {
		return getForEntity(path, type).getBody();
	}

	public ResponseEntity<String> exchange(String path, HttpMethod method, HttpEntity<?> entity, Class<String> type) {
		RestClient.RequestBodySpec request = this.client.method(method)
			.uri("http://127.0.0.1:" + this.environment.getRequiredProperty("local.server.port") + path)
			.headers((headers) -> headers.addAll(entity.getHeaders()));
		if (entity.getBody() != null) {
			request.body(entity.getBody());
		}
		return request.retrieve().onStatus((status) -> true, (req, res) -> {
		}).toEntity(type);
	}

}
