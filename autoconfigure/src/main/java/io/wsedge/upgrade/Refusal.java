package io.wsedge.upgrade;

import org.springframework.http.HttpHeaders;

/**
 * An upgrade request answered with an HTTP status instead of a WebSocket.
 *
 * @param status the HTTP status code
 * @param message a short plain-text body for the client
 * @param headers response headers to add
 */
public record Refusal(int status, String message, HttpHeaders headers) {

	public Refusal(int status, String message) {
		this(status, message, new HttpHeaders());
	}

}
