package io.wsedge.engine;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A place taken under the connection caps by one upgrade, from admission until its session ends (or the
 * upgrade fails). Released exactly once.
 */
public final class Admission implements AdmissionResult {

	private final EdgeEngine engine;

	private final EdgeRoute route;

	private final InetAddress client;

	private final String principal;

	private final AtomicBoolean released = new AtomicBoolean();

	/** Whether the cluster counts this place too, set before the session starts. */
	private volatile boolean clustered;

	Admission(EdgeEngine engine, EdgeRoute route, InetAddress client, String principal) {
		this.engine = engine;
		this.route = route;
		this.client = client;
		this.principal = principal;
	}

	/**
	 * Gives the place back; later calls do nothing.
	 */
	public void release() {
		if (this.released.compareAndSet(false, true)) {
			this.engine.release(this.route, this.client, this.principal, this.clustered);
		}
	}

	void clustered() {
		this.clustered = true;
	}

	EdgeRoute route() {
		return this.route;
	}

	InetAddress client() {
		return this.client;
	}

	String principal() {
		return this.principal;
	}

}
