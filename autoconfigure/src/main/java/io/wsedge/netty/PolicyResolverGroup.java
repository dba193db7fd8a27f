package io.wsedge.netty;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import io.netty.util.concurrent.Promise;

import io.wsedge.policy.UpstreamPolicy;

/**
 * Resolves the address of one upstream dial with the client's own resolver and checks every address it gets
 * against the upstream policy before Reactor Netty connects to any of them, so that the address checked is
 * the address connected to: no second lookup that DNS rebinding could answer differently. An address that is
 * already resolved (a literal) goes through the same check. A refused dial fails with
 * {@link RefusedAddressException} and opens no connection.
 * <p>
 * One group per route and scheme (ws or wss, as the policy's rules may name one): the address Reactor Netty asks
 * for carries the dial's host and port, which with the scheme is all the policy reads of the URI. It caches
 * nothing, unlike {@link AddressResolverGroup#getResolver}: the resolvers it hands out are thin wrappers around
 * the shared group's, which owns and closes them.
 */
final class PolicyResolverGroup extends AddressResolverGroup<InetSocketAddress> {

	private final AddressResolverGroup<?> delegate;

	private final UpstreamPolicy policy;

	private final String scheme;

	PolicyResolverGroup(AddressResolverGroup<?> delegate, UpstreamPolicy policy, String scheme) {
		this.delegate = delegate;
		this.policy = policy;
		this.scheme = scheme;
	}

	@Override
	@SuppressWarnings("unchecked")
	public AddressResolver<InetSocketAddress> getResolver(EventExecutor executor) {
		return new Checking(executor, (AddressResolver<SocketAddress>) this.delegate.getResolver(executor));
	}

	@Override
	protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
		return getResolver(executor);
	}

	@Override
	public void close() {
		// The shared group's resolvers are not ours to close.
	}

	/** The dial's host resolved to an address the upstream policy refuses. */
	static final class RefusedAddressException extends RuntimeException {

		RefusedAddressException(String message) {
			super(message, null, false, false);
		}

	}

	private final class Checking implements AddressResolver<InetSocketAddress> {

		private final EventExecutor executor;

		private final AddressResolver<SocketAddress> resolver;

		Checking(EventExecutor executor, AddressResolver<SocketAddress> resolver) {
			this.executor = executor;
			this.resolver = resolver;
		}

		@Override
		public boolean isSupported(SocketAddress address) {
			return address instanceof InetSocketAddress;
		}

		@Override
		public boolean isResolved(SocketAddress address) {
			// Never: Reactor Netty connects to a resolved address without asking the resolver, and a literal must
			// be checked too.
			return false;
		}

		@Override
		public Future<InetSocketAddress> resolve(SocketAddress address) {
			return resolve(address, this.executor.newPromise());
		}

		@Override
		public Future<InetSocketAddress> resolve(SocketAddress address, Promise<InetSocketAddress> promise) {
			resolveAll(address).addListener((FutureListener<List<InetSocketAddress>>) (future) -> {
				if (future.isSuccess()) {
					promise.trySuccess(future.getNow().get(0));
				}
				else {
					promise.tryFailure(future.cause());
				}
			});
			return promise;
		}

		@Override
		public Future<List<InetSocketAddress>> resolveAll(SocketAddress address) {
			return resolveAll(address, this.executor.newPromise());
		}

		@Override
		public Future<List<InetSocketAddress>> resolveAll(SocketAddress address,
				Promise<List<InetSocketAddress>> promise) {
			InetSocketAddress target = (InetSocketAddress) address;
			URI upstream;
			try {
				// The dial's URI as far as the policy reads it; the constructor brackets an IPv6 literal.
				upstream = new URI(PolicyResolverGroup.this.scheme, null, target.getHostString(), target.getPort(),
						null, null, null);
			}
			catch (URISyntaxException ex) {
				promise.tryFailure(new RefusedAddressException("'" + target.getHostString() + "' is not a host name"));
				return promise;
			}
			if (!target.isUnresolved()) {
				check(upstream, List.of(target), promise);
				return promise;
			}
			this.resolver.resolveAll(target).addListener((FutureListener<List<SocketAddress>>) (future) -> {
				if (future.isSuccess()) {
					@SuppressWarnings("unchecked")
					List<InetSocketAddress> resolved = (List<InetSocketAddress>) (List<?>) future.getNow();
					check(upstream, resolved, promise);
				}
				else {
					promise.tryFailure(future.cause());
				}
			});
			return promise;
		}

		private void check(URI upstream, List<InetSocketAddress> addresses,
				Promise<List<InetSocketAddress>> promise) {
			// Every address, not only the first: Reactor Netty tries the next one when a connect fails.
			for (InetSocketAddress resolved : addresses) {
				String refused = PolicyResolverGroup.this.policy.refusal(upstream, resolved.getAddress());
				if (refused != null) {
					promise.tryFailure(new RefusedAddressException(refused));
					return;
				}
			}
			promise.trySuccess(addresses);
		}

		@Override
		public void close() {
			// The shared group's resolver is not ours to close.
		}

	}

}
