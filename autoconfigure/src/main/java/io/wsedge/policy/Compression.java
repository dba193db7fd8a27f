package io.wsedge.policy;

/**
 * permessage-deflate (RFC 7692) settings of one leg, resolved for a route.
 *
 * @param enabled whether the extension is negotiated on the leg
 * @param serverNoContextTakeover whether the leg's server side resets its context per message
 * @param clientNoContextTakeover whether the leg's client side resets its context per message
 * @param serverMaxWindowBits the LZ77 window of the leg's server side, 8-15
 * @param clientMaxWindowBits the LZ77 window of the leg's client side, 8-15
 * @param threshold messages smaller than this many bytes are sent uncompressed
 */
public record Compression(boolean enabled, boolean serverNoContextTakeover, boolean clientNoContextTakeover,
		int serverMaxWindowBits, int clientMaxWindowBits, long threshold) {

	/** No compression. */
	public static final Compression OFF = new Compression(false, false, false, 15, 15, 128);

}
