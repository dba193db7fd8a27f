package io.wsedge.engine;

/**
 * Why the engine stopped reading from a side; reading resumes when no cause is left.
 */
enum ReadBlock {

	/** The other side's connection is not writable (backpressure). */
	PEER,

	/** An interceptor deferred a message from this side. */
	DEFER;

	final int bit = 1 << ordinal();

}
