package io.wsedge.policy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import io.netty.util.NetUtil;

import org.springframework.http.HttpHeaders;

/**
 * Tells which client an upgrade comes from. Behind trusted reverse proxies that is the right-most address in
 * {@code X-Forwarded-For} that is not itself a trusted proxy; otherwise it is the connection's peer. Headers
 * from untrusted peers are never believed, as any client can send them.
 */
public final class ClientAddressResolver {

	/** Believes no proxy. */
	public static final ClientAddressResolver DIRECT = new ClientAddressResolver(List.of());

	private final List<Cidr> trusted;

	public ClientAddressResolver(List<Cidr> trusted) {
		this.trusted = List.copyOf(trusted);
	}

	/**
	 * Resolves the client address.
	 * @param peer the connection's peer
	 * @param headers the request headers
	 * @return the client's address (its port is the peer's when forwarded)
	 */
	public InetSocketAddress resolve(InetSocketAddress peer, HttpHeaders headers) {
		if (!trusts(peer)) {
			return peer;
		}
		List<String> hops = new ArrayList<>();
		for (String value : headers.getValuesAsList("X-Forwarded-For")) {
			hops.add(value.trim());
		}
		for (int i = hops.size() - 1; i >= 0; i--) {
			byte[] bytes = NetUtil.createByteArrayFromIpAddressString(strip(hops.get(i)));
			if (bytes == null) {
				// Garbage in the chain: stop believing it here.
				return peer;
			}
			try {
				InetAddress address = InetAddress.getByAddress(bytes);
				if (!isTrusted(address) || i == 0) {
					// The right-most hop no trusted proxy vouches for; or, when every hop is a trusted proxy,
					// the left-most, which is where the request started.
					return new InetSocketAddress(address, peer.getPort());
				}
			}
			catch (UnknownHostException ex) {
				return peer;
			}
		}
		return peer;
	}

	/**
	 * Whether a connection's peer is a trusted proxy, whose forwarding headers are believed.
	 * @param peer the connection's peer, or {@code null}
	 * @return whether it is trusted
	 */
	public boolean trusts(InetSocketAddress peer) {
		return !this.trusted.isEmpty() && peer != null && peer.getAddress() != null && isTrusted(peer.getAddress());
	}

	private static String strip(String hop) {
		// "[::1]:1234" and "1.2.3.4:1234" forms carry a port.
		if (hop.startsWith("[")) {
			int end = hop.indexOf(']');
			return (end > 0) ? hop.substring(1, end) : hop;
		}
		int colon = hop.indexOf(':');
		return (colon > 0 && hop.indexOf(':', colon + 1) < 0) ? hop.substring(0, colon) : hop;
	}

	private boolean isTrusted(InetAddress address) {
		for (Cidr cidr : this.trusted) {
			if (cidr.contains(address)) {
				return true;
			}
		}
		return false;
	}

}
