package io.wsedge.engine;

/**
 * The two legs of a session, also the direction a message comes from.
 */
public enum Side {

	/** The client's connection to the edge. */
	CLIENT,

	/** The edge's connection to the upstream. */
	UPSTREAM;

	/**
	 * The opposite leg.
	 * @return the other side
	 */
	public Side other() {
		return (this == CLIENT) ? UPSTREAM : CLIENT;
	}

}
