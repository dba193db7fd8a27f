package io.wsedge.netty;

import org.springframework.http.HttpHeaders;

/**
 * The upstream could not be reached or refused the handshake; carries the HTTP status the client gets
 * instead of an upgrade: the upstream's own refusal status, 502 for an unreachable or broken upstream, 504 for
 * one that did not answer within the connect timeout.
 */
public class UpstreamException extends RuntimeException {

	private final int status;

	private final HttpHeaders headers;

	public UpstreamException(int status, String message, HttpHeaders headers, Throwable cause) {
		super(message, cause);
		this.status = status;
		this.headers = headers;
	}

	/**
	 * The HTTP status for the client.
	 * @return the status code
	 */
	public int status() {
		return this.status;
	}

	/**
	 * The outcome of the dial, as the {@code wsedge.upstream.connect} timer tags it: {@code unreachable} (502),
	 * {@code timeout} (504) or {@code refused} (the upstream's status, or 403 from the upstream policy).
	 * @return the outcome
	 */
	public String outcome() {
		return switch (this.status) {
			case 502 -> "unreachable";
			case 504 -> "timeout";
			default -> "refused";
		};
	}

	/**
	 * Whether the edge refused to dial because an address of the upstream is outside
	 * {@code wsedge.upstream-policy} (found when its name was resolved), rather than the upstream failing.
	 * @return whether the upstream policy refused it
	 */
	public boolean refusedByPolicy() {
		for (Throwable cause = getCause(); cause != null; cause = cause.getCause()) {
			if (cause instanceof PolicyResolverGroup.RefusedAddressException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Headers of the upstream's refusal worth passing on ({@code WWW-Authenticate}, {@code Retry-After}).
	 * @return the headers, possibly empty
	 */
	public HttpHeaders headers() {
		return this.headers;
	}

}
