package dev.resilience.spring.retry;

import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.resilience.retry.RetryAfterReader;

/**
 * Reads {@code Retry-After} from the response headers of Spring's HTTP client exceptions.
 * The exception types are looked up by name once, so that either library may be missing;
 * this class itself is only loaded when spring-web is there. Thread-safe.
 */
final class HttpExceptionRetryAfterReader implements RetryAfterReader {

	private final Class<?> restClientException;

	private final Method restClientHeaders;

	private final Class<?> webClientException;

	private final Method webClientHeaders;

	private final Clock clock;

	HttpExceptionRetryAfterReader(ClassLoader classLoader, boolean restClient, boolean webClient, Clock clock) {
		this.restClientException = restClient
				? ClassUtils.resolveClassName(HttpRetryAfter.REST_CLIENT_EXCEPTION, classLoader) : null;
		this.restClientHeaders = restClient ? getter(this.restClientException, "getResponseHeaders") : null;
		this.webClientException = webClient
				? ClassUtils.resolveClassName(HttpRetryAfter.WEB_CLIENT_EXCEPTION, classLoader) : null;
		this.webClientHeaders = webClient ? getter(this.webClientException, "getHeaders") : null;
		this.clock = clock;
	}

	private static Method getter(Class<?> type, String name) {
		Method method = ReflectionUtils.findMethod(type, name);
		if (method == null) {
			throw new IllegalStateException(type.getName() + " has no " + name + "()");
		}
		return method;
	}

	@Override
	public Duration retryAfter(Throwable failure) {
		Method getter = null;
		if (this.restClientException != null && this.restClientException.isInstance(failure)) {
			getter = this.restClientHeaders;
		}
		else if (this.webClientException != null && this.webClientException.isInstance(failure)) {
			getter = this.webClientHeaders;
		}
		if (getter == null) {
			return null;
		}
		Object headers = ReflectionUtils.invokeMethod(getter, failure);
		if (!(headers instanceof HttpHeaders httpHeaders)) {
			return null;
		}
		return HttpRetryAfter.parse(httpHeaders.getFirst(HttpRetryAfter.HEADER), this.clock.instant());
	}

}
