package dev.resilience.spring.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.resilience.idempotency.IdempotencyFingerprintException;
import dev.resilience.idempotency.IdempotencyInProgressException;
import dev.resilience.idempotency.IdempotencyKeyReusedException;
import dev.resilience.idempotency.IdempotencyStoreUnavailableException;
import dev.resilience.idempotency.InvalidIdempotencyKeyException;

/**
 * Maps the idempotency exceptions to RFC 9457 {@code application/problem+json} responses:
 * {@code 409} while a call with the key is in progress, {@code 422} for a key reused with
 * another request, {@code 400} for an invalid or missing key, {@code 503} when the store
 * is unreachable. A request whose fingerprint cannot be computed from its arguments is a
 * {@code 400} too: every part of the expression that does not depend on the arguments is
 * checked at startup, so what is left is this request's content (a missing nested value,
 * a value that cannot be written as JSON); the method did not run and nothing was stored,
 * so the client may correct it and send it again. Titles and details are fixed texts:
 * they never contain the key, the request or the exception message. Ordered last, so any
 * advice of the application handling the same exceptions wins.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class IdempotencyProblemDetailsAdvice {

	/**
	 * 422: named by its code, since Spring Framework 7 renamed the constant
	 * ({@code UNPROCESSABLE_CONTENT}, RFC 9110) and deprecated the old name.
	 */
	private static final HttpStatusCode UNPROCESSABLE = HttpStatusCode.valueOf(422);

	@ExceptionHandler(IdempotencyInProgressException.class)
	public ResponseEntity<ProblemDetail> inProgress(IdempotencyInProgressException ex) {
		return problem(HttpStatus.CONFLICT, "Request in progress",
				"A request with this idempotency key is still being processed. Retry later to receive its result.");
	}

	@ExceptionHandler(IdempotencyKeyReusedException.class)
	public ResponseEntity<ProblemDetail> keyReused(IdempotencyKeyReusedException ex) {
		return problem(UNPROCESSABLE, "Idempotency key reused",
				"This idempotency key was already used for a different request. Use a new key for a new request.");
	}

	@ExceptionHandler(InvalidIdempotencyKeyException.class)
	public ResponseEntity<ProblemDetail> invalidKey(InvalidIdempotencyKeyException ex) {
		// the reason names a rule ("is empty", "is too long (300 > 255 characters)"),
		// never the key
		return problem(HttpStatus.BAD_REQUEST, "Invalid idempotency key", "The idempotency key " + ex.getReason()
				+ ". A key must be present and consist of visible ASCII characters, up to the configured length.");
	}

	@ExceptionHandler(IdempotencyFingerprintException.class)
	public ResponseEntity<ProblemDetail> fingerprintUnavailable(IdempotencyFingerprintException ex) {
		return problem(HttpStatus.BAD_REQUEST, "Request cannot be fingerprinted",
				"The request's content could not be fingerprinted to protect it against duplicates, so it was not"
						+ " processed. Check that the request is complete.");
	}

	@ExceptionHandler(IdempotencyStoreUnavailableException.class)
	public ResponseEntity<ProblemDetail> storeUnavailable(IdempotencyStoreUnavailableException ex) {
		return problem(HttpStatus.SERVICE_UNAVAILABLE, "Idempotency store unavailable",
				"The request was not processed because its idempotency could not be guaranteed. Retry later.");
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatusCode status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
