package io.wsedge.auth;

/**
 * An upgrade refused by a route's authentication requirements: 401 or 403.
 */
public final class AuthRefusedException extends RuntimeException {

	private final int status;

	/**
	 * A refusal.
	 * @param status 401 or 403
	 * @param message the answer's text, which never holds the token
	 */
	public AuthRefusedException(int status, String message) {
		super(message, null, false, false);
		this.status = status;
	}

	/**
	 * The HTTP status of the answer.
	 * @return 401 or 403
	 */
	public int status() {
		return this.status;
	}

}
