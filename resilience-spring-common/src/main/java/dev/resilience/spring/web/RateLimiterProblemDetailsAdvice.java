package dev.resilience.spring.web;

import java.time.Duration;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.resilience.ratelimiter.RequestNotPermittedException;

/**
 * Maps a {@link RequestNotPermittedException} escaping a Spring MVC or WebFlux controller
 * to a {@code 429 Too Many Requests} RFC 9457 {@code application/problem+json} response
 * with a {@code Retry-After} header: the exception's
 * {@link RequestNotPermittedException#getRetryAfter() retry-after} in whole seconds,
 * rounded up and at least 1 (the header cannot say less than a second, and {@code 0}
 * would invite an immediate retry that the limiter would refuse again). The title and
 * detail are fixed texts: they never name the rate limiter. Ordered last, so an
 * {@code @ExceptionHandler} of the controller or an advice of the application handling
 * the exception wins.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class RateLimiterProblemDetailsAdvice {

	@ExceptionHandler(RequestNotPermittedException.class)
	public ResponseEntity<ProblemDetail> requestNotPermitted(RequestNotPermittedException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
				"The request was refused because its rate limit was reached. Retry after the number of seconds"
						+ " in the Retry-After header.");
		problem.setTitle("Too many requests");
		return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
			.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(ex.getRetryAfter())))
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(problem);
	}

	/**
	 * Whole seconds, rounded up, at least 1; saturates instead of overflowing.
	 */
	static long retryAfterSeconds(Duration retryAfter) {
		if (retryAfter == null || retryAfter.isNegative() || retryAfter.isZero()) {
			return 1;
		}
		long seconds = retryAfter.getSeconds();
		if (retryAfter.getNano() > 0 && seconds < Long.MAX_VALUE) {
			seconds++;
		}
		return Math.max(1, seconds);
	}

}
