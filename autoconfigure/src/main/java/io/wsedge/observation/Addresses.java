package io.wsedge.observation;

import java.net.InetSocketAddress;

/** Addresses as key values show them. */
final class Addresses {

	private Addresses() {
	}

	static String describe(InetSocketAddress address) {
		if (address == null) {
			return "unknown";
		}
		String host = (address.getAddress() != null) ? address.getAddress().getHostAddress() : address.getHostString();
		return (host.indexOf(':') >= 0) ? "[" + host + "]:" + address.getPort() : host + ":" + address.getPort();
	}

}
