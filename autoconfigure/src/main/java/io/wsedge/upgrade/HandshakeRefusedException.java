package io.wsedge.upgrade;


/**
 * Ends an upgrade with an HTTP answer instead of a WebSocket.
 */
public class HandshakeRefusedException extends RuntimeException {

	private final Refusal refusal;

	public HandshakeRefusedException(Refusal refusal) {
		super(refusal.status() + " " + refusal.message(), null, false, false);
		this.refusal = refusal;
	}

	public Refusal refusal() {
		return this.refusal;
	}

}
